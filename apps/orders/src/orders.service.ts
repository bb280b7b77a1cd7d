import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  newEvent,
  OrderAccepted,
  OrderPlaced,
  OrderStatusChanged,
  type PlaceOrderRequest,
} from '#atlas/contracts';
import { OutboxService } from '#atlas/messaging';
import { Order } from './domain/order.js';
import { OrderEventStore } from './event-store/order-event-store.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { OrderProjector } from './read-model/order.projector.js';
import { OrderSagaStore } from './saga/order-saga.store.js';

@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: OrderEventStore,
    private readonly sagas: OrderSagaStore,
    private readonly projector: OrderProjector,
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
      await this.events.append(manager, order);
      await this.sagas.track(manager, order);
      await this.outbox.enqueue(
        manager,
        OrderPlaced,
        newEvent(OrderPlaced, { orderId: order.id, customerId, items: request.items }),
      );
      await this.outbox.enqueue(
        manager,
        OrderStatusChanged,
        newEvent(OrderStatusChanged, { orderId: order.id, customerId, status: order.status }),
      );
      const answer: OrderAccepted = { id: order.id, status: order.status };
      await this.idempotency.complete(manager, customerId, key, answer);
      return answer;
    });
    await this.projector.waitFor(accepted.id, 1);
    return accepted;
  }
}
