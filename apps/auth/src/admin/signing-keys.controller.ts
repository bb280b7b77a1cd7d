import { Controller, Get, Post } from '@nestjs/common';
import type { SigningKeyList, SigningKeyView } from '#atlas/contracts';
import { CurrentUser, RequirePermissions, type AuthenticatedUser } from '#atlas/security';
import { Client, type ClientContext } from '../audit/client-context.js';
import { SigningKeysService } from '../tokens/signing-keys.service.js';

@Controller('v1/admin/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @RequirePermissions('signing-keys:manage')
  @Get()
  async list(): Promise<SigningKeyList> {
    return { items: await this.keys.list() };
  }

  /** Rotation: the new key is published now and signs after the activation delay. */
  @RequirePermissions('signing-keys:manage')
  @Post()
  rotate(
    @CurrentUser() admin: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<SigningKeyView> {
    return this.keys.rotate(admin, client.ip);
  }
}
