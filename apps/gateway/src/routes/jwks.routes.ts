import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '#atlas/http';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('auth')
@Controller('.well-known')
export class JwksRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @Get('jwks.json')
  @ApiOperation({ summary: 'Public keys that verify Atlas access tokens (RFC 7517)' })
  jwks(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }
}
