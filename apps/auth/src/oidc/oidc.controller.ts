import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  OidcCallbackRequest,
  type LoginResponse,
  type OidcAuthorizeResponse,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { Client, type ClientContext } from '../audit/client-context.js';
import { OidcLoginService } from './oidc-login.service.js';

@Controller('v1/auth/oidc')
export class OidcController {
  constructor(private readonly oidc: OidcLoginService) {}

  /** Step 1: where to send the browser; keep `state` and compare it when the browser returns. */
  @Public()
  @Post('authorize')
  @HttpCode(200)
  authorize(): Promise<OidcAuthorizeResponse> {
    return this.oidc.authorize();
  }

  /** Step 2: the `code`, `state` (and `iss`) the provider put on the redirect URI. */
  @Public()
  @Post('callback')
  @HttpCode(200)
  callback(
    @Body({ schema: OidcCallbackRequest }) body: OidcCallbackRequest,
    @Client() client: ClientContext,
  ): Promise<LoginResponse> {
    return this.oidc.callback(body, client);
  }
}
