import { Body, Controller, Req, Res, type RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROVIDER_SIGNATURE_HEADER, ProviderCallback } from '#atlas/contracts';
import { UpstreamClient } from '../upstream/upstream.client.js';
import { GATEWAY_ROUTES } from './gateway-routes.js';
import { OperationRoute } from './operation-route.decorator.js';

const { providerWebhook } = GATEWAY_ROUTES;

/**
 * The payment provider's signed callback. Written by hand because it forwards the body byte for
 * byte, with the signature header: the signature covers those bytes, so the validated body
 * re-serialised would no longer match it. Public, since the provider has no Atlas account:
 * payments authenticates each callback by its signature.
 */
@Controller()
export class ProviderWebhookRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @OperationRoute(providerWebhook)
  providerWebhook(
    @Body({ schema: providerWebhook.request.body }) _callback: ProviderCallback,
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('payments', request, reply, undefined, {
      rawBody: request.rawBody,
      headers: [PROVIDER_SIGNATURE_HEADER],
    });
  }
}
