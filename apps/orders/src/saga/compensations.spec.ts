import { describe, expect, it } from '@jest/globals';
import { compensationFor } from './compensations.js';
import { deadlineFor, sagaStepOf, timeoutReasonOf } from './order-saga-step.js';

describe('the saga', () => {
  it('waits for stock, then for the payment, then is done', () => {
    expect(sagaStepOf('PENDING')).toBe('AWAITING_STOCK');
    expect(sagaStepOf('STOCK_RESERVED')).toBe('AWAITING_PAYMENT');
    expect(sagaStepOf('CONFIRMED')).toBe('DONE');
    expect(sagaStepOf('CANCELLED')).toBe('DONE');
  });

  it('gives each step its own deadline, and a finished saga none', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    const timeouts = { stockMs: 1_000, paymentMs: 60_000 };
    expect(deadlineFor('AWAITING_STOCK', timeouts, now)).toEqual(new Date('2026-11-26T10:00:01Z'));
    expect(deadlineFor('AWAITING_PAYMENT', timeouts, now)).toEqual(
      new Date('2026-11-26T10:01:00Z'),
    );
    expect(deadlineFor('DONE', timeouts, now)).toBeNull();
    expect(timeoutReasonOf('AWAITING_STOCK')).toBe('STOCK_TIMEOUT');
    expect(timeoutReasonOf('AWAITING_PAYMENT')).toBe('PAYMENT_TIMEOUT');
  });

  it('gives back the stock of a cancelled order, and the payment once stock was reserved', () => {
    expect(compensationFor('PENDING')).toEqual({ releaseStock: true, voidPayment: false });
    expect(compensationFor('STOCK_RESERVED')).toEqual({ releaseStock: true, voidPayment: true });
    expect(() => compensationFor('CONFIRMED')).toThrow(/cannot be cancelled/);
    expect(() => compensationFor('CANCELLED')).toThrow(/cannot be cancelled/);
  });
});
