import { Body, Controller, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  PROVIDER_SIGNATURE_HEADER,
  ProviderCallback,
  ProviderWebhookReceipt,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('payments')
@Controller('v1/payments')
export class PaymentsRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  /**
   * Public, since the provider has no Atlas account: payments authenticates each callback by
   * its signature. The gateway forwards the body byte for byte, as the signature covers them.
   */
  @Public()
  @Post('provider-webhook')
  @ApiOperation({ summary: 'The payment provider’s signed callback with an authorization result' })
  @ApiHeader({
    name: 'Provider-Signature',
    required: true,
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
  })
  @ApiJsonBody(ProviderCallback)
  @ApiJsonResponse(
    200,
    'Received (duplicate: it had been processed before)',
    ProviderWebhookReceipt,
  )
  @ApiProblems(400, 401, 404, 409, 422)
  providerWebhook(
    @Body({ schema: ProviderCallback }) _callback: ProviderCallback,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('payments', request, reply, undefined, {
      rawBody: request.rawBody,
      headers: [PROVIDER_SIGNATURE_HEADER],
    });
  }
}
