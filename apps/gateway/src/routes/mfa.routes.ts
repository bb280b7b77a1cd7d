import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  MfaVerifyRequest,
  RecoveryCodesResponse,
  TokenResponse,
  TotpCodeRequest,
  TotpSetupResponse,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { LimitPerClientIp } from '../rate-limit/credential-rate-limit.guard.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('auth')
@Controller('v1/auth/mfa')
export class MfaRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @LimitPerClientIp('mfa-verify')
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Second step of a login: the mfaToken and a TOTP or recovery code',
    description:
      'An mfaToken lasts 5 minutes, takes 5 wrong codes, and works here only. A TOTP code is ' +
      'accepted once; a recovery code once ever.',
  })
  @ApiJsonBody(MfaVerifyRequest)
  @ApiJsonResponse(200, 'Access and refresh tokens', TokenResponse)
  @ApiProblems(400, 401, 429)
  verify(
    @Body({ schema: MfaVerifyRequest }) body: MfaVerifyRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Post('totp/setup')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Start TOTP: a new secret, pending until enabled with a code' })
  @ApiJsonResponse(200, 'The secret and its otpauth:// URL (show as a QR code)', TotpSetupResponse)
  @ApiProblems(401, 409)
  setup(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }

  @Post('totp/enable')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Turn TOTP on with a current code; other sessions end',
    description: 'Answers ten single-use recovery codes, shown this once.',
  })
  @ApiJsonBody(TotpCodeRequest)
  @ApiJsonResponse(200, 'Recovery codes', RecoveryCodesResponse)
  @ApiProblems(400, 401, 409, 422, 429)
  enable(
    @Body({ schema: TotpCodeRequest }) body: TotpCodeRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @Post('totp/disable')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Turn TOTP off with a current or recovery code; other sessions end' })
  @ApiJsonBody(TotpCodeRequest)
  @ApiJsonResponse(204, 'MFA is off')
  @ApiProblems(400, 401, 409, 422, 429)
  disable(
    @Body({ schema: TotpCodeRequest }) body: TotpCodeRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }
}
