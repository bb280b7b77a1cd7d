import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  MfaVerifyRequest,
  TotpCodeRequest,
  type RecoveryCodesResponse,
  type TokenResponse,
  type TotpSetupResponse,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { CurrentUser, type AuthenticatedUser } from '#atlas/security';
import { Client, type ClientContext } from '../audit/client-context.js';
import { MfaService } from './mfa.service.js';

@Controller('v1/auth/mfa')
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  /** The only place an mfaToken is accepted. */
  @Public()
  @Post('verify')
  @HttpCode(200)
  verify(
    @Body({ schema: MfaVerifyRequest }) body: MfaVerifyRequest,
    @Client() client: ClientContext,
  ): Promise<TokenResponse> {
    return this.mfa.verifyLogin(body.mfaToken, body.code, client);
  }

  @Post('totp/setup')
  @HttpCode(200)
  setup(@CurrentUser() user: AuthenticatedUser): Promise<TotpSetupResponse> {
    return this.mfa.setup(user);
  }

  @Post('totp/enable')
  @HttpCode(200)
  enable(
    @Body({ schema: TotpCodeRequest }) body: TotpCodeRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<RecoveryCodesResponse> {
    return this.mfa.enable(user, body.code, client);
  }

  @Post('totp/disable')
  @HttpCode(204)
  async disable(
    @Body({ schema: TotpCodeRequest }) body: TotpCodeRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Client() client: ClientContext,
  ): Promise<void> {
    await this.mfa.disable(user, body.code, client);
  }
}
