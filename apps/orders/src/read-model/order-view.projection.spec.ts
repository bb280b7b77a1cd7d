import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { OrderEvent } from '../domain/order-events.js';
import { Order } from '../domain/order.js';
import {
  type OrderViewRow,
  projectOrderView,
  type StoredOrderEvent,
} from './order-view.projection.js';

const productId = randomUUID();
const placedAt = new Date('2026-11-26T10:00:00Z');

function stored(orderId: string, events: readonly OrderEvent[]): StoredOrderEvent[] {
  return events.map((event, index) => ({
    streamId: orderId,
    version: index + 1,
    occurredAt: new Date(placedAt.getTime() + index * 1_000),
    event,
  }));
}

function fold(events: readonly StoredOrderEvent[], from?: OrderViewRow): OrderViewRow | undefined {
  return events.reduce<OrderViewRow | undefined>(
    (view, event) => projectOrderView(view, event),
    from,
  );
}

/** Histories the write side produces: the read side must show what the aggregate holds. */
function histories(): Order[] {
  const confirmed = Order.place(randomUUID(), randomUUID(), [{ productId, quantity: 2 }], placedAt);
  confirmed.reserveStock([{ productId, quantity: 2, priceCents: 1_250 }], 'EUR', 2_500);
  confirmed.confirm(randomUUID());
  const timedOut = Order.place(randomUUID(), randomUUID(), [{ productId, quantity: 1 }], placedAt);
  timedOut.reserveStock([{ productId, quantity: 1, priceCents: 900 }], 'EUR', 900);
  timedOut.cancel('PAYMENT_TIMEOUT');
  timedOut.recordPaymentVoided(randomUUID());
  const pending = Order.place(randomUUID(), randomUUID(), [{ productId, quantity: 3 }], placedAt);
  const cancelled = Order.place(randomUUID(), randomUUID(), [{ productId, quantity: 1 }], placedAt);
  cancelled.cancel('CUSTOMER_CANCELLED', cancelled.customerId);
  return [confirmed, timedOut, pending, cancelled];
}

describe('the order read model projection', () => {
  it.each(histories().map((order) => [order.status, order] as const))(
    'shows a %s order as the aggregate sees it',
    (_status, order) => {
      const view = fold(stored(order.id, order.pending));
      expect(view).toMatchObject({
        id: order.id,
        customerId: order.customerId,
        status: order.status,
        reason: order.reason ?? null,
        items: order.items,
        totalCents: order.totalCents,
        currency: order.currency,
        version: order.version,
        createdAt: placedAt,
      });
    },
  );

  it('skips events it has applied already, so a replay changes nothing', () => {
    const [order] = histories();
    if (!order) throw new Error('no history');
    const events = stored(order.id, order.pending);
    const once = fold(events);
    expect(fold(events, once)).toBe(once);
    expect(fold([...events.slice(0, 2), ...events], undefined)).toEqual(once);
  });

  it('refuses a gap in the stream rather than show a wrong order', () => {
    const [order] = histories();
    if (!order) throw new Error('no history');
    const [placed, , confirmed] = stored(order.id, order.pending);
    if (!placed || !confirmed) throw new Error('short history');
    expect(() => fold([placed, confirmed])).toThrow(/version 3 cannot follow version 1/);
  });

  it('refuses a stream that does not start with OrderPlaced', () => {
    const [order] = histories();
    if (!order) throw new Error('no history');
    const [, reserved] = stored(order.id, order.pending);
    if (!reserved) throw new Error('short history');
    expect(() => projectOrderView(undefined, { ...reserved, version: 1 })).toThrow(
      /does not start with OrderPlaced/,
    );
  });
});
