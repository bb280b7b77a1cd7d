import { z } from 'zod';
import type { OrderStatus } from '#atlas/contracts';

const OrderLineRequest = z.object({
  productId: z.uuid(),
  quantity: z.number().int().positive(),
});
export type OrderLineRequest = z.infer<typeof OrderLineRequest>;

const PricedOrderLine = OrderLineRequest.extend({ priceCents: z.number().int().nonnegative() });
export type PricedOrderLine = z.infer<typeof PricedOrderLine>;

export const CancellationReason = z.enum([
  'OUT_OF_STOCK',
  'UNKNOWN_PRODUCT',
  'MIXED_CURRENCY',
  'PAYMENT_DECLINED',
  'PAYMENT_ERROR',
  /** Catalog did not answer within ORDERS_STOCK_TIMEOUT_MS. */
  'STOCK_TIMEOUT',
  /** The payment was not settled within ORDERS_PAYMENT_TIMEOUT_MS. */
  'PAYMENT_TIMEOUT',
  'CUSTOMER_CANCELLED',
  'ADMIN_CANCELLED',
]);
export type CancellationReason = z.infer<typeof CancellationReason>;

/**
 * The facts stored in an order's stream, oldest first. They are the order's source of truth:
 * its state and its read model are derived from them. They are parsed when read back, so a
 * stream written by an older version that no longer fits fails loudly instead of silently.
 * Internal to the orders service (the integration events other services see are in
 * libs/contracts).
 */
export const OrderEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('OrderPlaced'),
    data: z.object({
      customerId: z.uuid(),
      items: z.array(OrderLineRequest).min(1),
      placedAt: z.iso.datetime(),
    }),
  }),
  z.object({
    type: z.literal('OrderStockReserved'),
    data: z.object({
      items: z.array(PricedOrderLine).min(1),
      currency: z.string().length(3),
      totalCents: z.number().int().nonnegative(),
    }),
  }),
  z.object({
    type: z.literal('OrderConfirmed'),
    data: z.object({ paymentId: z.uuid().nullable() }),
  }),
  z.object({
    type: z.literal('OrderCancelled'),
    data: z.object({
      reason: CancellationReason,
      /** Who asked, when a person did (customer or admin); absent for the saga's own reasons. */
      cancelledBy: z.uuid().optional(),
    }),
  }),
  /** Compensation done: payments holds nothing for the cancelled order any more. */
  z.object({
    type: z.literal('OrderPaymentVoided'),
    data: z.object({ paymentId: z.uuid() }),
  }),
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderEventType = OrderEvent['type'];

/** The status each fact leaves the order in. */
export function statusAfter(event: OrderEvent): OrderStatus {
  switch (event.type) {
    // Recorded only after a cancellation; it completes it without changing the status.
    case 'OrderPaymentVoided':
      return 'CANCELLED';
    case 'OrderPlaced':
      return 'PENDING';
    case 'OrderStockReserved':
      return 'STOCK_RESERVED';
    case 'OrderConfirmed':
      return 'CONFIRMED';
    case 'OrderCancelled':
      return 'CANCELLED';
    default: {
      const unknown: never = event;
      throw new Error(`unknown order event ${JSON.stringify(unknown)}`);
    }
  }
}
