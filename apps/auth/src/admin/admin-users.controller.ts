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
} from '@nestjs/common';
import {
  AdminUserQuery,
  SetRolesRequest,
  type AdminUserList,
  type AdminUserView,
} from '#atlas/contracts';
import { CurrentUser, RequirePermissions, type AuthenticatedUser } from '#atlas/security';
import { Client, type ClientContext } from '../audit/client-context.js';
import { AdminUsersService } from './admin-users.service.js';

@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @RequirePermissions('users:read')
  @Get()
  list(@Query({ schema: AdminUserQuery }) query: AdminUserQuery): Promise<AdminUserList> {
    return this.users.list(query);
  }

  @RequirePermissions('users:manage')
  @Patch(':id/roles')
  setRoles(
    @Param('id', ParseUUIDPipe) id: string,
    @Body({ schema: SetRolesRequest }) body: SetRolesRequest,
    @CurrentUser() admin: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<AdminUserView> {
    return this.users.setRoles(admin, id, body.roles, client);
  }

  @RequirePermissions('users:manage')
  @Post(':id/disable')
  @HttpCode(200)
  disable(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() admin: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<AdminUserView> {
    return this.users.setDisabled(admin, id, true, client);
  }

  @RequirePermissions('users:manage')
  @Post(':id/enable')
  @HttpCode(200)
  enable(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() admin: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<AdminUserView> {
    return this.users.setDisabled(admin, id, false, client);
  }
}
