import { z } from 'zod';
import { Currency } from '../events/order-line.js';

/**
 * The payment provider's callback to `POST /v1/payments/provider-webhook`. The provider signs
 * the exact bytes of the body: `Provider-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`, so neither the body nor the time can be changed without the shared secret.
 */
export const PROVIDER_SIGNATURE_HEADER = 'provider-signature';

export const ProviderCallbackType = z.enum(['authorization.succeeded', 'authorization.declined']);
export type ProviderCallbackType = z.infer<typeof ProviderCallbackType>;

export const ProviderCallback = z.object({
  /** Unique per callback: a callback delivered again carries the same id. */
  id: z.uuid(),
  type: ProviderCallbackType,
  /** The provider's id of the authorization. */
  reference: z.string().min(1).max(200),
  /** What payments sent with its request: the payment id. */
  idempotencyKey: z.string().min(1).max(200),
  amountCents: z.number().int().positive(),
  currency: Currency,
  createdAt: z.iso.datetime(),
});
export type ProviderCallback = z.infer<typeof ProviderCallback>;

/** 200 for every authentic callback; `duplicate` when it had been processed before. */
export const ProviderWebhookReceipt = z.object({
  received: z.literal(true),
  duplicate: z.boolean(),
});
export type ProviderWebhookReceipt = z.infer<typeof ProviderWebhookReceipt>;
