import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  type RegisteredUser,
  type TokenResponse,
  type UserProfile,
} from '#atlas/contracts';
import { notFound, Public } from '#atlas/http';
import { CurrentUser, type AuthenticatedUser } from '#atlas/security';
import { LoginService } from './credentials/login.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { UsersService } from './users/users.service.js';

@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
  ) {}

  @Public()
  @Post('register')
  async register(
    @Body({ schema: RegisterRequest }) body: RegisterRequest,
  ): Promise<RegisteredUser> {
    const user = await this.users.register(body);
    return { id: user.id, email: user.email, roles: user.roles };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  signIn(@Body({ schema: LoginRequest }) body: LoginRequest): Promise<TokenResponse> {
    return this.login.login(body);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body({ schema: RefreshRequest }) body: RefreshRequest): Promise<TokenResponse> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @Body({ schema: RefreshRequest }) body: RefreshRequest,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    await this.sessions.end(body.refreshToken, user.id);
  }

  @Get('me')
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserProfile> {
    const user = await this.users.findById(caller.id);
    if (!user) throw notFound('AUTH.USER_NOT_FOUND', 'The user no longer exists.');
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      mfaEnabled: false,
    };
  }
}
