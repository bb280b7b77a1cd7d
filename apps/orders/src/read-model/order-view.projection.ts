import type { OrderEvent } from '../domain/order-events.js';
import type { OrderView } from './order-view.entity.js';

/** An event as the store keeps it: the fact, and where and when it sits in its stream. */
/** A view as plain data: what the fold produces and the store saves. */
export type OrderViewRow = { -readonly [K in keyof OrderView]: OrderView[K] };

export interface StoredOrderEvent {
  readonly streamId: string;
  readonly version: number;
  readonly occurredAt: Date;
  readonly event: OrderEvent;
}

/**
 * The read model's own fold of an order's events into the row reads are served from. It is
 * written against the events alone, not the write side's aggregate, so the two sides can
 * change apart; what must agree is tested (order-view.projection.spec.ts).
 *
 * Events at or below the view's version were applied before: they are skipped, so projecting
 * the same events again (after a crash, or by a second projector) changes nothing.
 */
export function projectOrderView(
  view: OrderViewRow | undefined,
  stored: StoredOrderEvent,
): OrderViewRow {
  if (view && stored.version <= view.version) return view;
  const expected = (view?.version ?? 0) + 1;
  if (stored.version !== expected) {
    throw new Error(
      `order ${stored.streamId}: event version ${stored.version} cannot follow version ${expected - 1}`,
    );
  }
  const { event } = stored;
  if (event.type === 'OrderPlaced') {
    return {
      id: stored.streamId,
      customerId: event.data.customerId,
      status: 'PENDING',
      reason: null,
      items: event.data.items.map((item) => ({ ...item, priceCents: null })),
      totalCents: null,
      currency: null,
      version: stored.version,
      createdAt: new Date(event.data.placedAt),
      updatedAt: stored.occurredAt,
    };
  }
  if (!view) {
    throw new Error(`order ${stored.streamId}: its stream does not start with OrderPlaced`);
  }
  const next: OrderViewRow = { ...view, version: stored.version, updatedAt: stored.occurredAt };
  switch (event.type) {
    case 'OrderStockReserved':
      return {
        ...next,
        status: 'STOCK_RESERVED',
        items: event.data.items.map((item) => ({ ...item })),
        currency: event.data.currency,
        totalCents: event.data.totalCents,
      };
    case 'OrderConfirmed':
      return { ...next, status: 'CONFIRMED' };
    case 'OrderCancelled':
      return { ...next, status: 'CANCELLED', reason: event.data.reason };
    case 'OrderPaymentVoided':
      // Completes the compensation; nothing a reader of the order sees changes.
      return next;
    default: {
      const unknown: never = event;
      throw new Error(`unknown order event ${JSON.stringify(unknown)}`);
    }
  }
}
