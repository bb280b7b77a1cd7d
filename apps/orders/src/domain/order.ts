import type { OrderStatus } from '#atlas/contracts';
import { unprocessable } from '#atlas/http';
import {
  statusAfter,
  type CancellationReason,
  type OrderEvent,
  type OrderLineRequest,
  type PricedOrderLine,
} from './order-events.js';

/**
 * The order aggregate, event-sourced: every decision returns the new facts, and the state is
 * only ever changed by applying facts, whether new or replayed from the store.
 */
export class Order {
  status: OrderStatus = 'PENDING';
  customerId = '';
  items: readonly (OrderLineRequest & { priceCents: number | null })[] = [];
  currency: string | null = null;
  totalCents: number | null = null;
  reason: CancellationReason | undefined;
  placedAt = '';
  /** Whether payments confirmed the compensation of a cancelled order. */
  paymentVoided = false;
  /** Events applied so far: the stream version new events must follow. */
  version = 0;
  readonly pending: OrderEvent[] = [];

  private constructor(readonly id: string) {}

  static place(id: string, customerId: string, items: OrderLineRequest[], now: Date): Order {
    const order = new Order(id);
    order.record({
      type: 'OrderPlaced',
      data: { customerId, items, placedAt: now.toISOString() },
    });
    return order;
  }

  static fromHistory(id: string, history: readonly OrderEvent[]): Order {
    const order = new Order(id);
    for (const event of history) order.apply(event);
    return order;
  }

  get isFinal(): boolean {
    return this.status === 'CONFIRMED' || this.status === 'CANCELLED';
  }

  reserveStock(items: PricedOrderLine[], currency: string, totalCents: number): void {
    this.require('PENDING', 'reserve stock for');
    this.record({ type: 'OrderStockReserved', data: { items, currency, totalCents } });
  }

  confirm(paymentId: string | null): void {
    this.require('STOCK_RESERVED', 'confirm');
    this.record({ type: 'OrderConfirmed', data: { paymentId } });
  }

  cancel(reason: CancellationReason, cancelledBy?: string): void {
    if (this.isFinal) throw this.invalidTransition('cancel');
    this.record({
      type: 'OrderCancelled',
      data: cancelledBy === undefined ? { reason } : { reason, cancelledBy },
    });
  }

  recordPaymentVoided(paymentId: string): void {
    if (this.status !== 'CANCELLED' || this.paymentVoided) {
      throw this.invalidTransition('record a voided payment for');
    }
    this.record({ type: 'OrderPaymentVoided', data: { paymentId } });
  }

  private require(status: OrderStatus, action: string): void {
    if (this.status !== status) throw this.invalidTransition(action);
  }

  private invalidTransition(action: string) {
    return unprocessable(
      'ORDERS.INVALID_TRANSITION',
      `Cannot ${action} an order that is ${this.status}.`,
    );
  }

  private record(event: OrderEvent): void {
    this.apply(event);
    this.pending.push(event);
  }

  private apply(event: OrderEvent): void {
    switch (event.type) {
      case 'OrderPlaced':
        this.customerId = event.data.customerId;
        this.items = event.data.items.map((item) => ({ ...item, priceCents: null }));
        this.placedAt = event.data.placedAt;
        break;
      case 'OrderStockReserved':
        this.items = event.data.items;
        this.currency = event.data.currency;
        this.totalCents = event.data.totalCents;
        break;
      case 'OrderConfirmed':
        break;
      case 'OrderCancelled':
        this.reason = event.data.reason;
        break;
      case 'OrderPaymentVoided':
        this.paymentVoided = true;
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unknown order event ${JSON.stringify(unknown)}`);
      }
    }
    this.status = statusAfter(event);
    this.version += 1;
  }
}
