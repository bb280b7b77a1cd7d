import { z } from 'zod';
import { RequestedLine } from '../events/order-line.js';
import { pageOf } from './pagination.js';

export const ORDER_STATUSES = ['PENDING', 'STOCK_RESERVED', 'CONFIRMED', 'CANCELLED'] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const MAX_ORDER_LINES = 50;

/** Fields a customer may not set (ids, status, prices) are refused by the strict object. */
export const PlaceOrderRequest = z.strictObject({
  items: z.array(RequestedLine.strict()).min(1).max(MAX_ORDER_LINES),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

export const OrderAccepted = z.object({ id: z.uuid(), status: OrderStatus });
export type OrderAccepted = z.infer<typeof OrderAccepted>;

export const OrderLine = z.object({
  productId: z.uuid(),
  quantity: z.number().int(),
  /** Known once catalog has reserved the stock at its current price. */
  priceCents: z.number().int().nullable(),
});

export const Order = z.object({
  id: z.uuid(),
  /** Who placed it: the caller, unless an admin is reading. */
  customerId: z.uuid(),
  status: OrderStatus,
  reason: z.string().optional(),
  items: z.array(OrderLine),
  totalCents: z.number().int().nullable(),
  currency: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Order = z.infer<typeof Order>;

export const OrderList = pageOf(Order);
export type OrderList = z.infer<typeof OrderList>;

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -');
