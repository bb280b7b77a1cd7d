import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  LoginRequest,
  RefreshRequest,
  RegisteredUser,
  RegisterRequest,
  TokenResponse,
  UserProfile,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Create an account (role customer)' })
  @ApiJsonBody(RegisterRequest)
  @ApiJsonResponse(201, 'The new account', RegisteredUser)
  @ApiProblems(400, 409, 429)
  register(
    @Body({ schema: RegisterRequest }) body: RegisterRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for tokens' })
  @ApiJsonBody(LoginRequest)
  @ApiJsonResponse(200, 'Access and refresh tokens', TokenResponse)
  @ApiProblems(400, 401, 429)
  login(
    @Body({ schema: LoginRequest }) body: LoginRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Public()
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
  @ApiOperation({ summary: 'End the session of this refresh token' })
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

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller’s profile' })
  @ApiJsonResponse(200, 'Profile', UserProfile)
  @ApiProblems(401)
  me(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }
}
