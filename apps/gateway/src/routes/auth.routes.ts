import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  RefreshRequest,
  RegisteredUser,
  RegisterRequest,
  TokenResponse,
  UserProfile,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { LimitPerClientIp } from '../rate-limit/credential-rate-limit.guard.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @LimitPerClientIp('register')
  @Post('register')
  @ApiOperation({
    summary: 'Create an account (role customer)',
    description:
      'Passwords: 8 to 128 characters, no composition rules, not a common or breached ' +
      'password (422 AUTH.PASSWORD_TOO_COMMON). Limited per client IP and per email.',
  })
  @ApiJsonBody(RegisterRequest)
  @ApiJsonResponse(201, 'The new account', RegisteredUser)
  @ApiProblems(400, 409, 422, 429)
  register(
    @Body({ schema: RegisterRequest }) body: RegisterRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Public()
  @LimitPerClientIp('login')
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange email and password for tokens',
    description:
      'With MFA on, the answer is `{ mfaRequired: true, mfaToken }`: send the token and a ' +
      'code to /v1/auth/mfa/verify. Repeated failures on one account make it wait (429 with ' +
      'Retry-After), growing from 15 s after the fifth to 15 min.',
  })
  @ApiJsonBody(LoginRequest)
  @ApiJsonResponse(200, 'Tokens, or an MFA challenge', LoginResponse)
  @ApiProblems(400, 401, 429, 503)
  login(
    @Body({ schema: LoginRequest }) body: LoginRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Public()
  @LimitPerClientIp('refresh')
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token; reusing an old one ends the session' })
  @ApiJsonBody(RefreshRequest)
  @ApiJsonResponse(200, 'A new token pair', TokenResponse)
  @ApiProblems(400, 401, 429)
  refresh(
    @Body({ schema: RefreshRequest }) body: RefreshRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'End this session: its refresh token and its access tokens stop working at once',
  })
  @ApiJsonBody(RefreshRequest)
  @ApiJsonResponse(204, 'Logged out')
  @ApiProblems(400, 401)
  logout(
    @Body({ schema: RefreshRequest }) body: RefreshRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change the password; every other session of the account ends',
  })
  @ApiJsonBody(ChangePasswordRequest)
  @ApiJsonResponse(204, 'Changed')
  @ApiProblems(400, 401, 422, 429)
  changePassword(
    @Body({ schema: ChangePasswordRequest }) body: ChangePasswordRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller’s profile' })
  @ApiJsonResponse(200, 'Profile', UserProfile)
  @ApiProblems(401)
  me(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }
}
