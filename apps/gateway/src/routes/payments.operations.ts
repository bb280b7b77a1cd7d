import {
  PROVIDER_SIGNATURE_HEADER,
  ProviderCallback,
  ProviderWebhookReceipt,
} from '#atlas/contracts';
import { z } from 'zod';
import type { RouteTable } from './operation.js';

/** The payment provider's way in: the payments service. */
export const PAYMENTS_OPERATIONS = {
  providerWebhook: {
    method: 'POST',
    path: '/v1/payments/provider-webhook',
    // The provider has no Atlas account: payments authenticates each callback by its signature.
    access: 'public',
    tag: 'payments',
    summary: 'The payment provider’s signed callback with an authorization result',
    description:
      'Signed over the exact bytes of the body; a timestamp outside five minutes is refused, ' +
      'and a callback delivered again is applied once (answered with `duplicate: true`).',
    request: {
      headers: {
        [PROVIDER_SIGNATURE_HEADER]: {
          required: true,
          description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
          schema: z.string(),
        },
      },
      body: ProviderCallback,
    },
    responses: {
      200: {
        description: 'Received (duplicate: it had been processed before)',
        body: ProviderWebhookReceipt,
      },
    },
    problems: [401, 404, 409, 422],
    handWritten: 'provider-webhook.routes.ts: forwards the signed bytes, not the parsed body',
  },
} as const satisfies RouteTable;
