import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ChangePasswordRequest,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  type LoginResponse,
  type RegisteredUser,
  type TokenResponse,
  type UserProfile,
} from '#atlas/contracts';
import { notFound, Public } from '#atlas/http';
import { CurrentUser, type AuthenticatedUser } from '#atlas/security';
import { Client, type ClientContext } from './audit/client-context.js';
import { LoginService } from './credentials/login.service.js';
import { PasswordChangeService } from './credentials/password-change.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { UsersService } from './users/users.service.js';

@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly login: LoginService,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordChangeService,
  ) {}

  @Public()
  @Post('register')
  async register(
    @Body({ schema: RegisterRequest }) body: RegisterRequest,
    @Client() client: ClientContext,
  ): Promise<RegisteredUser> {
    const user = await this.users.register(body, client.ip);
    return { id: user.id, email: user.email, roles: user.roles };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  signIn(
    @Body({ schema: LoginRequest }) body: LoginRequest,
    @Client() client: ClientContext,
  ): Promise<LoginResponse> {
    return this.login.login(body, client);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(
    @Body({ schema: RefreshRequest }) body: RefreshRequest,
    @Client() client: ClientContext,
  ): Promise<TokenResponse> {
    return this.sessions.refresh(body.refreshToken, client.ip);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @Body({ schema: RefreshRequest }) body: RefreshRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<void> {
    await this.sessions.end(body.refreshToken, user, client.ip);
  }

  @Post('password')
  @HttpCode(204)
  async changePassword(
    @Body({ schema: ChangePasswordRequest }) body: ChangePasswordRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<void> {
    await this.passwords.change(user, body, client);
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
      mfaEnabled: await this.users.mfaEnabled(user.id),
    };
  }
}
