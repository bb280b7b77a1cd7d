import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newEvent, OrderStatusChanged, type OrderStatus } from '#atlas/contracts';
import { OutboxService } from '#atlas/messaging';
import type { Order } from '../domain/order.js';
import { OrderEventStore } from '../event-store/order-event-store.js';
import { OrderProjector } from '../read-model/order.projector.js';
import { OrderSagaMetrics } from '../saga/order-saga.metrics.js';
import { OrderSagaStore } from '../saga/order-saga.store.js';

/**
 * The one way an order's step is written, whoever takes it (placing, a participant's reply, a
 * deadline, a cancellation): in the caller's transaction, append the order's new facts, track
 * its saga (step and deadline), and enqueue its public status change; after the commit, count
 * the step and let the read model catch up.
 */
@Injectable()
export class OrderStepWriter {
  private readonly logger = new Logger('OrderSteps');

  constructor(
    private readonly events: OrderEventStore,
    private readonly sagas: OrderSagaStore,
    private readonly outbox: OutboxService,
    private readonly projector: OrderProjector,
    private readonly metrics: OrderSagaMetrics,
  ) {}

  /**
   * Writes the order's pending facts, if any; `before` is its status before this step
   * (undefined for a new order, whose first status is announced too).
   */
  async write(
    manager: EntityManager,
    order: Order,
    before: OrderStatus | undefined,
  ): Promise<void> {
    if (order.pending.length === 0) return;
    await this.events.append(manager, order);
    await this.sagas.track(manager, order);
    if (order.status === before) return;
    await this.outbox.enqueue(
      manager,
      OrderStatusChanged,
      newEvent(OrderStatusChanged, {
        orderId: order.id,
        customerId: order.customerId,
        status: order.status,
        ...(order.reason ? { reason: order.reason } : {}),
      }),
    );
    if (before) {
      this.logger.log(
        { orderId: order.id, from: before, to: order.status },
        'order status changed',
      );
    }
  }

  /** After the commit of a step that moved `order` on from `before`. */
  committed(order: Order, before: OrderStatus): void {
    this.metrics.stepCommitted(order, before);
    this.projector.appended();
  }

  /**
   * Resolves once reads show the order at `version` (or after a few seconds, answering
   * anyway): the commands that answer a client call it, so the client reads its own write.
   */
  async visible(orderId: string, version: number): Promise<void> {
    await this.projector.waitFor(orderId, version);
  }
}
