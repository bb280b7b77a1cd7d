import { z } from 'zod';
import { OrderStatus } from '../http/orders.dto.js';
import { defineChannel } from './channel-contract.js';

/**
 * Every order status change, from notifications to every gateway replica, which pushes it to
 * the order's owner over SSE or WebSocket. Best effort by design: a client that missed one
 * gets the current status when it (re)subscribes.
 */
export const LiveOrderStatus = defineChannel(
  'live.order-status.v1',
  z.object({
    eventId: z.uuid(),
    orderId: z.uuid(),
    customerId: z.uuid(),
    status: OrderStatus,
    reason: z.string().optional(),
    occurredAt: z.iso.datetime(),
  }),
);
