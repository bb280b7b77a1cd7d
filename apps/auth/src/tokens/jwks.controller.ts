import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '#atlas/http';
import { SigningKeysService, type PublicJwk } from './signing-keys.service.js';

@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  /** Verifiers cache this; a new key shows up within the max-age. */
  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return { keys: await this.keys.publicKeys() };
  }
}
