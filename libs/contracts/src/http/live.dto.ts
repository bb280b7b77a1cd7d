import { z } from 'zod';
import { OrderStatus } from './orders.dto.js';

/** A status an order reached, as SSE `data:` and WebSocket messages carry it. */
export const LiveOrderUpdate = z.object({
  orderId: z.uuid(),
  status: OrderStatus,
  reason: z.string().optional(),
  /** When the status changed; absent on the snapshot sent when a stream opens. */
  occurredAt: z.iso.datetime().optional(),
});
export type LiveOrderUpdate = z.infer<typeof LiveOrderUpdate>;

/** What a WebSocket client may send on `GET /v1/ws`. */
export const LiveClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), orderId: z.uuid() }),
  z.strictObject({ type: z.literal('unsubscribe'), orderId: z.uuid() }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

/** What the gateway sends on `GET /v1/ws`. */
export const LiveServerMessage = z.discriminatedUnion('type', [
  /** The order's current status, right after a subscribe was accepted. */
  z.object({ type: z.literal('subscribed'), order: LiveOrderUpdate }),
  z.object({ type: z.literal('order-status'), order: LiveOrderUpdate }),
  z.object({ type: z.literal('unsubscribed'), orderId: z.uuid() }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    orderId: z.uuid().optional(),
  }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;

/** The WebSocket subprotocol of the messages above; browsers offer it with their token. */
export const LIVE_WS_PROTOCOL = 'atlas.v1';
/** Browsers cannot set headers on a WebSocket: they offer `atlas.bearer.<access token>`. */
export const LIVE_WS_TOKEN_PROTOCOL_PREFIX = 'atlas.bearer.';
