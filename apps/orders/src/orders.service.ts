import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newEvent, OrderAccepted, OrderPlaced, type PlaceOrderRequest } from '#atlas/contracts';
import { notFound } from '#atlas/http';
import { OutboxService } from '#atlas/messaging';
import { can, type AuthenticatedUser } from '#atlas/security';
import type { CancellationReason } from './domain/order-events.js';
import { Order } from './domain/order.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { OrderSagaService } from './saga/order-saga.service.js';
import { OrderStepWriter } from './write-side/order-step.writer.js';

/** The commands a client sends about its orders: what they may do, and the step it takes. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly steps: OrderStepWriter,
    private readonly saga: OrderSagaService,
    private readonly outbox: OutboxService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Step 1 of the order flow: the order's first fact, its saga (waiting for stock, with a
   * deadline), the idempotency record and the OrderPlaced message all commit in one
   * transaction, or none of them do. The relay publishes the message afterwards, so a crash
   * here can neither lose nor duplicate it. The answer waits for the read model to have the
   * order, so the client can read it back at once.
   */
  async place(customerId: string, request: PlaceOrderRequest, key: string): Promise<OrderAccepted> {
    const accepted = await this.dataSource.transaction(async (manager) => {
      const claim = await this.idempotency.claim(manager, customerId, key, request, OrderAccepted);
      if (claim.kind === 'replay') return claim.response;

      const order = Order.place(randomUUID(), customerId, request.items, new Date());
      await this.outbox.enqueue(
        manager,
        OrderPlaced,
        newEvent(OrderPlaced, { orderId: order.id, customerId, items: request.items }),
      );
      await this.steps.write(manager, order, undefined);
      const answer: OrderAccepted = { id: order.id, status: order.status };
      await this.idempotency.complete(manager, customerId, key, answer);
      return answer;
    });
    await this.steps.visible(accepted.id, 1);
    return accepted;
  }

  /**
   * `POST /v1/orders/:id/cancel`: the owner or an admin cancels an order that has not ended
   * yet. Someone else's order is answered 404, exactly like a missing one.
   */
  async cancel(orderId: string, caller: AuthenticatedUser): Promise<void> {
    await this.saga.cancelOnRequest(orderId, caller.id, (order): CancellationReason => {
      if (order.customerId === caller.id) return 'CUSTOMER_CANCELLED';
      if (can(caller, 'orders:cancel-any')) return 'ADMIN_CANCELLED';
      throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
    });
  }
}
