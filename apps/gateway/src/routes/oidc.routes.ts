import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginResponse, OidcAuthorizeResponse, OidcCallbackRequest } from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { LimitPerClientIp } from '../rate-limit/credential-rate-limit.guard.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('auth')
@Controller('v1/auth/oidc')
export class OidcRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @LimitPerClientIp('oidc')
  @Post('authorize')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start signing in with the OpenID Connect provider (authorization code + PKCE)',
    description:
      'Send the browser to authorizationUrl. Keep state; when the provider redirects back, ' +
      'check it matches before calling /v1/auth/oidc/callback.',
  })
  @ApiJsonResponse(200, 'Where to send the browser', OidcAuthorizeResponse)
  @ApiProblems(404, 429, 503)
  authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }

  @Public()
  @LimitPerClientIp('oidc')
  @Post('callback')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish signing in with the provider',
    description:
      'The code, state and iss from the redirect. Links to the account with the same email ' +
      'only if the provider says it is verified; with MFA on, answers an MFA challenge.',
  })
  @ApiJsonBody(OidcCallbackRequest)
  @ApiJsonResponse(200, 'Tokens, or an MFA challenge', LoginResponse)
  @ApiProblems(400, 401, 404, 429, 503)
  callback(
    @Body({ schema: OidcCallbackRequest }) body: OidcCallbackRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }
}
