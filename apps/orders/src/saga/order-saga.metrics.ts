import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { OrderStatus } from '#atlas/contracts';
import { ServiceMetrics } from '#atlas/observability';
import type { Order } from '../domain/order.js';

/**
 * `orders_saga_outcomes_total{outcome,reason}`: how sagas end. `outcome` is `confirmed` or
 * `cancelled`; `reason` says why a cancelled one was (`payment_declined`, `out_of_stock`,
 * `stock_timeout`, `customer_cancelled`...) and is `none` for a confirmed one.
 */
@Injectable()
export class OrderSagaMetrics {
  private readonly outcomes: Counter<'outcome' | 'reason'>;

  constructor(metrics: ServiceMetrics) {
    this.outcomes = new Counter({
      name: 'orders_saga_outcomes_total',
      help: 'Order sagas that ended, by outcome and, for cancellations, by reason.',
      labelNames: ['outcome', 'reason'],
      registers: [metrics.registry],
    });
  }

  /**
   * Counts the saga's end if this step ended it: call after the step's transaction committed,
   * so a step that rolled back (and runs again) is not counted twice.
   */
  stepCommitted(order: Order, before: OrderStatus): void {
    if (order.status === before) return;
    switch (order.status) {
      case 'CONFIRMED':
        this.outcomes.inc({ outcome: 'confirmed', reason: 'none' });
        return;
      case 'CANCELLED':
        this.outcomes.inc({
          outcome: 'cancelled',
          reason: (order.reason ?? 'unknown').toLowerCase(),
        });
        return;
      case 'PENDING':
      case 'STOCK_RESERVED':
        return;
      default: {
        const unknown: never = order.status;
        throw new Error(`unknown order status ${String(unknown)}`);
      }
    }
  }
}
