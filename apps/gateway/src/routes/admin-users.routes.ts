import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminUserList, AdminUserQuery, AdminUserView, SetRolesRequest } from '#atlas/contracts';
import { RequirePermissions } from '#atlas/security';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/users')
export class AdminUsersRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @RequirePermissions('users:read')
  @Get()
  @ApiOperation({ summary: 'List users, newest first (admin)' })
  @ApiQuery({ name: 'q', required: false, description: 'part of an email address' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100 },
  })
  @ApiJsonResponse(200, 'A page of users', AdminUserList)
  @ApiProblems(400, 401, 403)
  list(
    @Query({ schema: AdminUserQuery }) _query: AdminUserQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }

  @RequirePermissions('users:manage')
  @Patch(':id/roles')
  @ApiOperation({
    summary: 'Set a user’s roles (admin); the user’s sessions end at once',
  })
  @ApiJsonBody(SetRolesRequest)
  @ApiJsonResponse(200, 'The user', AdminUserView)
  @ApiProblems(400, 401, 403, 404, 409)
  setRoles(
    @Param('id', ParseUUIDPipe) _id: string,
    @Body({ schema: SetRolesRequest }) body: SetRolesRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply, body);
  }

  @RequirePermissions('users:manage')
  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an account (admin): no sign-in, its sessions end at once' })
  @ApiJsonResponse(200, 'The user', AdminUserView)
  @ApiProblems(400, 401, 403, 404, 409)
  disable(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }

  @RequirePermissions('users:manage')
  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled account again (admin)' })
  @ApiJsonResponse(200, 'The user', AdminUserView)
  @ApiProblems(400, 401, 403, 404)
  enable(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('auth', request, reply);
  }
}
