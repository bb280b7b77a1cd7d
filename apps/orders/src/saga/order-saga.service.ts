import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AuthorizePayment,
  newEvent,
  OrderStatusChanged,
  ReleaseStock,
  type MessageOf,
  type PaymentAuthorized,
  type PaymentFailed,
  type StockRejected,
  type StockReserved,
} from '#atlas/contracts';
import { AppError } from '#atlas/http';
import { InboxService, OutboxService } from '#atlas/messaging';
import type { Order } from '../domain/order.js';
import { OrderEventStore } from '../event-store/order-event-store.js';
import { OrderProjection } from '../read-model/order-projection.js';

/**
 * The order saga's orchestrator. Each step handles one participant's reply exactly once
 * (inbox), records the order's new fact, and sends the next command or compensation through
 * the outbox, all in one transaction:
 *
 *   OrderPlaced → catalog: StockReserved → payments: AuthorizePayment → PaymentAuthorized → CONFIRMED
 *                          StockRejected → CANCELLED
 *                                         PaymentFailed → ReleaseStock → CANCELLED
 */
@Injectable()
export class OrderSagaService {
  private readonly logger = new Logger(OrderSagaService.name);

  constructor(
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly events: OrderEventStore,
    private readonly projection: OrderProjection,
  ) {}

  onStockReserved(event: MessageOf<typeof StockReserved>): Promise<void> {
    return this.step(
      'orders.saga.stock-reserved',
      event.eventId,
      event.orderId,
      async (order, manager) => {
        order.reserveStock(event.items, event.currency, event.totalCents);
        if (event.totalCents === 0) {
          // Nothing to charge: a free order needs no payment step.
          order.confirm(null);
          return;
        }
        await this.outbox.enqueue(
          manager,
          AuthorizePayment,
          newEvent(AuthorizePayment, {
            orderId: order.id,
            customerId: order.customerId,
            amountCents: event.totalCents,
            currency: event.currency,
          }),
        );
      },
    );
  }

  onStockRejected(event: MessageOf<typeof StockRejected>): Promise<void> {
    return this.step('orders.saga.stock-rejected', event.eventId, event.orderId, async (order) => {
      order.cancel(event.reason);
    });
  }

  onPaymentAuthorized(event: MessageOf<typeof PaymentAuthorized>): Promise<void> {
    return this.step(
      'orders.saga.payment-authorized',
      event.eventId,
      event.orderId,
      async (order) => {
        order.confirm(event.paymentId);
      },
    );
  }

  onPaymentFailed(event: MessageOf<typeof PaymentFailed>): Promise<void> {
    return this.step(
      'orders.saga.payment-failed',
      event.eventId,
      event.orderId,
      async (order, manager) => {
        order.cancel(event.reason === 'DECLINED' ? 'PAYMENT_DECLINED' : 'PAYMENT_ERROR');
        // Compensation: the stock reserved for this order goes back on the shelf.
        await this.outbox.enqueue(
          manager,
          ReleaseStock,
          newEvent(ReleaseStock, {
            orderId: order.id,
            items: order.items.map(({ productId, quantity }) => ({ productId, quantity })),
          }),
        );
      },
    );
  }

  private step(
    consumer: string,
    eventId: string,
    orderId: string,
    decide: (order: Order, manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    return this.inbox.processOnce(consumer, eventId, async (manager) => {
      const order = await this.events.load(manager, orderId);
      if (!order) {
        this.logger.warn({ orderId, consumer }, 'reply for an unknown order ignored');
        return;
      }
      const before = order.status;
      try {
        await decide(order, manager);
      } catch (error) {
        // A reply that no longer fits (the order already ended) changes nothing.
        if (error instanceof AppError && error.code === 'ORDERS.INVALID_TRANSITION') {
          this.logger.warn({ orderId, consumer, status: before }, error.message);
          return;
        }
        throw error;
      }
      await this.events.append(manager, order);
      await this.projection.project(manager, order);
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
      this.logger.log({ orderId, from: before, to: order.status }, 'order status changed');
    });
  }
}
