import { Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PROVIDER_SIGNATURE_HEADER, type ProviderWebhookReceipt } from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ProviderWebhookService } from './provider-webhook.service.js';

/** The payment provider's callbacks, through the gateway. Public: the signature authenticates. */
@Controller('v1/payments')
export class ProviderWebhookController {
  constructor(private readonly webhooks: ProviderWebhookService) {}

  @Public()
  @Post('provider-webhook')
  @HttpCode(200)
  receive(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers(PROVIDER_SIGNATURE_HEADER) signature: string | undefined,
  ): Promise<ProviderWebhookReceipt> {
    // The signature covers the bytes as sent, not the JSON as parsed.
    return this.webhooks.receive(request.rawBody, signature);
  }
}
