import type { OrderStatus } from '#atlas/contracts';
import type { CancellationReason } from '../domain/order-events.js';

/**
 * Where an order's saga stands: which participant it waits for, or that it is over. Derived
 * from the order's status, and stored with a deadline (order_sagas) so that a reply that never
 * comes still ends the order.
 */
export type SagaStep = 'AWAITING_STOCK' | 'AWAITING_PAYMENT' | 'DONE';
export type WaitingStep = Exclude<SagaStep, 'DONE'>;

export function sagaStepOf(status: OrderStatus): SagaStep {
  switch (status) {
    case 'PENDING':
      return 'AWAITING_STOCK';
    case 'STOCK_RESERVED':
      return 'AWAITING_PAYMENT';
    case 'CONFIRMED':
    case 'CANCELLED':
      return 'DONE';
    default: {
      const unknown: never = status;
      throw new Error(`unknown order status ${String(unknown)}`);
    }
  }
}

export function timeoutReasonOf(step: WaitingStep): CancellationReason {
  switch (step) {
    case 'AWAITING_STOCK':
      return 'STOCK_TIMEOUT';
    case 'AWAITING_PAYMENT':
      return 'PAYMENT_TIMEOUT';
    default: {
      const unknown: never = step;
      throw new Error(`unknown saga step ${String(unknown)}`);
    }
  }
}

/** How long the saga waits for each participant; from orders' configuration. */
export interface SagaTimeouts {
  readonly stockMs: number;
  readonly paymentMs: number;
}

export const SAGA_TIMEOUTS = Symbol('SAGA_TIMEOUTS');

export function deadlineFor(step: SagaStep, timeouts: SagaTimeouts, now: Date): Date | null {
  switch (step) {
    case 'AWAITING_STOCK':
      return new Date(now.getTime() + timeouts.stockMs);
    case 'AWAITING_PAYMENT':
      return new Date(now.getTime() + timeouts.paymentMs);
    case 'DONE':
      return null;
    default: {
      const unknown: never = step;
      throw new Error(`unknown saga step ${String(unknown)}`);
    }
  }
}
