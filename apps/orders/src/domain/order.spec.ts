import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AppError } from '#atlas/http';
import { Order } from './order.js';

const customerId = randomUUID();
const productId = randomUUID();
const placedAt = new Date('2026-11-26T10:00:00Z');

function placed(): Order {
  return Order.place(randomUUID(), customerId, [{ productId, quantity: 2 }], placedAt);
}

describe('Order', () => {
  it('starts PENDING with the placed lines, unpriced, and one new fact', () => {
    const order = placed();
    expect(order.status).toBe('PENDING');
    expect(order.items).toEqual([{ productId, quantity: 2, priceCents: null }]);
    expect(order.version).toBe(1);
    expect(order.pending.map((event) => event.type)).toEqual(['OrderPlaced']);
  });

  it('is priced by the stock reservation and confirmed by the payment', () => {
    const order = placed();
    order.reserveStock([{ productId, quantity: 2, priceCents: 1_250 }], 'EUR', 2_500);
    order.confirm(randomUUID());
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      totalCents: 2_500,
      currency: 'EUR',
      version: 3,
    });
    expect(order.pending.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderStockReserved',
      'OrderConfirmed',
    ]);
  });

  it('rebuilds the same state from its history', () => {
    const order = placed();
    order.reserveStock([{ productId, quantity: 2, priceCents: 1_250 }], 'EUR', 2_500);
    order.cancel('PAYMENT_DECLINED');
    const replayed = Order.fromHistory(order.id, order.pending);
    expect(replayed).toMatchObject({
      status: 'CANCELLED',
      reason: 'PAYMENT_DECLINED',
      totalCents: 2_500,
      customerId,
      placedAt: placedAt.toISOString(),
      version: 3,
    });
    expect(replayed.pending).toEqual([]);
  });

  it('refuses transitions that do not follow from its state', () => {
    const order = placed();
    expect(() => order.confirm(null)).toThrow(AppError);
    order.cancel('OUT_OF_STOCK');
    expect(() => order.cancel('PAYMENT_ERROR')).toThrow(/Cannot cancel an order that is CANCELLED/);
    expect(() => order.reserveStock([], 'EUR', 0)).toThrow(
      /Cannot reserve stock for an order that is CANCELLED/,
    );
    expect(order.version).toBe(2);
  });

  it('records who cancelled it, and that the payment was voided, once', () => {
    const order = placed();
    order.reserveStock([{ productId, quantity: 2, priceCents: 1_250 }], 'EUR', 2_500);
    expect(() => order.recordPaymentVoided(randomUUID())).toThrow(AppError);
    order.cancel('CUSTOMER_CANCELLED', customerId);
    order.recordPaymentVoided(randomUUID());
    expect(order).toMatchObject({ status: 'CANCELLED', reason: 'CUSTOMER_CANCELLED', version: 4 });
    expect(order.pending.at(2)).toEqual({
      type: 'OrderCancelled',
      data: { reason: 'CUSTOMER_CANCELLED', cancelledBy: customerId },
    });
    expect(() => order.recordPaymentVoided(randomUUID())).toThrow(
      /Cannot record a voided payment for an order that is CANCELLED/,
    );
    expect(Order.fromHistory(order.id, order.pending)).toMatchObject({
      status: 'CANCELLED',
      paymentVoided: true,
      version: 4,
    });
  });
});
