import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SigningKeyList, SigningKeyView } from '#atlas/contracts';
import { RequirePermissions } from '#atlas/security';
import { ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/signing-keys')
export class SigningKeysRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @RequirePermissions('signing-keys:manage')
  @Get()
  @ApiOperation({ summary: 'The access-token signing keys and their state (admin)' })
  @ApiJsonResponse(200, 'Upcoming, active and retired keys', SigningKeyList)
  @ApiProblems(401, 403)
  list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }

  @RequirePermissions('signing-keys:manage')
  @Post()
  @ApiOperation({
    summary: 'Rotate the signing key (admin)',
    description:
      'The new key is published in the JWKS at once and signs after ' +
      'SIGNING_KEY_ACTIVATION_DELAY_SECONDS; tokens of the old key verify until they expire.',
  })
  @ApiJsonResponse(201, 'The new key', SigningKeyView)
  @ApiProblems(401, 403)
  rotate(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }
}
