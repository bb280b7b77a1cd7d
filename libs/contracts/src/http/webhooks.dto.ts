import { z } from 'zod';

/** What a subscription can ask for: one type per order status. */
export const WEBHOOK_EVENT_TYPES = [
  'order.placed',
  'order.stock-reserved',
  'order.confirmed',
  'order.cancelled',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/**
 * `POST /v1/webhooks/subscriptions`. The URL's host must resolve to a public address (the
 * notifications service refuses private, loopback and link-local targets, and checks again at
 * every delivery); it must not carry credentials or a fragment.
 */
export const CreateWebhookSubscriptionRequest = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .refine((url) => {
      const parsed = new URL(url);
      return parsed.username === '' && parsed.password === '' && parsed.hash === '';
    }, 'a URL without credentials or fragment'),
  events: z.array(WebhookEventType).min(1).max(WEBHOOK_EVENT_TYPES.length),
});
export type CreateWebhookSubscriptionRequest = z.infer<typeof CreateWebhookSubscriptionRequest>;

export const WebhookSubscription = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(WebhookEventType),
  createdAt: z.iso.datetime(),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

/** Answered once, at creation: the secret is never shown again. */
export const CreatedWebhookSubscription = WebhookSubscription.extend({
  secret: z.string(),
});
export type CreatedWebhookSubscription = z.infer<typeof CreatedWebhookSubscription>;

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'DEAD_LETTERED'] as const;
export const WebhookDeliveryStatus = z.enum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** One event for one subscription, and how its delivery went so far. */
export const WebhookDelivery = z.object({
  id: z.uuid(),
  eventType: WebhookEventType,
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/**
 * The JSON body of every webhook request. `id` is the delivery's id, the same on every retry
 * (receivers dedupe on it); it is also sent as the `Atlas-Webhook-Id` header.
 */
export const WebhookPayload = z.object({
  id: z.uuid(),
  type: WebhookEventType,
  createdAt: z.iso.datetime(),
  data: z.object({
    orderId: z.uuid(),
    status: z.string(),
    reason: z.string().optional(),
    occurredAt: z.iso.datetime(),
  }),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** `Atlas-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (docs/webhooks-out.md). */
export const WEBHOOK_SIGNATURE_HEADER = 'atlas-signature';
export const WEBHOOK_ID_HEADER = 'atlas-webhook-id';
export const WEBHOOK_EVENT_HEADER = 'atlas-event';
