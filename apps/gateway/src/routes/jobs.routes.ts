import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ImportJob } from '#atlas/contracts';
import { RequirePermissions } from '#atlas/security';
import { ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

/** Background jobs; today the catalog's CSV imports, so catalog answers. */
@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @RequirePermissions('jobs:read')
  @Get(':id')
  @ApiOperation({ summary: 'A job’s status, progress and per-row errors (its owner or admin)' })
  @ApiJsonResponse(200, 'The job', ImportJob)
  @ApiProblems(400, 401, 403, 404)
  get(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }
}
