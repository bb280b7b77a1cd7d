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
import { OrderProjection } from './read-model/order-projection.js';

@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: OrderEventStore,
    private readonly projection: OrderProjection,
    private readonly outbox: OutboxService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * Step 1 of the order flow: the order's first fact, its read model, the idempotency record
   * and the OrderPlaced message all commit in one transaction, or none of them do. The relay
   * publishes the message afterwards, so a crash here can neither lose nor duplicate it.
   */
  place(customerId: string, request: PlaceOrderRequest, key: string): Promise<OrderAccepted> {
    return this.dataSource.transaction(async (manager) => {
      const claim = await this.idempotency.claim(manager, customerId, key, request, OrderAccepted);
      if (claim.kind === 'replay') return claim.response;

      const order = Order.place(randomUUID(), customerId, request.items, new Date());
      await this.events.append(manager, order);
      await this.projection.project(manager, order);
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
      const accepted: OrderAccepted = { id: order.id, status: order.status };
      await this.idempotency.complete(manager, customerId, key, accepted);
      return accepted;
    });
  }
}
