import { z } from 'zod';
import { defineEvent } from './event-contract.js';
import { Currency, PricedLine, RequestedLine } from './order-line.js';

export const StockReserved = defineEvent({
  name: 'StockReserved',
  topic: 'catalog.stock-reserved.v1',
  shape: {
    orderId: z.uuid(),
    items: z.array(PricedLine).min(1),
    currency: Currency,
    totalCents: z.number().int().nonnegative(),
  },
  key: (event) => event.orderId,
});

export const StockRejectionReason = z.enum(['OUT_OF_STOCK', 'UNKNOWN_PRODUCT', 'MIXED_CURRENCY']);
export type StockRejectionReason = z.infer<typeof StockRejectionReason>;

export const StockRejected = defineEvent({
  name: 'StockRejected',
  topic: 'catalog.stock-rejected.v1',
  shape: {
    orderId: z.uuid(),
    reason: StockRejectionReason,
    productIds: z.array(z.uuid()),
  },
  key: (event) => event.orderId,
});

/** Saga compensation: give back what `StockReserved` took. */
export const ReleaseStock = defineEvent({
  name: 'ReleaseStock',
  topic: 'catalog.release-stock.v1',
  kind: 'command',
  shape: {
    orderId: z.uuid(),
    items: z.array(RequestedLine).min(1),
  },
  key: (command) => command.orderId,
});
