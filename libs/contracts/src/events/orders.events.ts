import { z } from 'zod';
import { OrderStatus } from '../http/orders.dto.js';
import { defineEvent } from './event-contract.js';
import { RequestedLine } from './order-line.js';

export const OrderPlaced = defineEvent({
  name: 'OrderPlaced',
  topic: 'orders.order-placed.v1',
  shape: {
    orderId: z.uuid(),
    customerId: z.uuid(),
    items: z.array(RequestedLine).min(1),
  },
  key: (event) => event.orderId,
});

/** The public integration event: every status change, for notifications and other readers. */
export const OrderStatusChanged = defineEvent({
  name: 'OrderStatusChanged',
  topic: 'orders.order-status-changed.v1',
  shape: {
    orderId: z.uuid(),
    customerId: z.uuid(),
    status: OrderStatus,
    reason: z.string().optional(),
  },
  key: (event) => event.orderId,
});
