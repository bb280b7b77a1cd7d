import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AuthorizePayment,
  newEvent,
  ReleaseStock,
  VoidPayment,
  type MessageOf,
  type OrderStatus,
  type PaymentAuthorized,
  type PaymentFailed,
  type PaymentVoided,
  type StockRejected,
  type StockReserved,
} from '#atlas/contracts';
import { AppError, conflict, notFound } from '#atlas/http';
import { InboxService, OutboxService } from '#atlas/messaging';
import type { CancellationReason } from '../domain/order-events.js';
import type { Order } from '../domain/order.js';
import { OrderEventStore } from '../event-store/order-event-store.js';
import { OrderStepWriter } from '../write-side/order-step.writer.js';
import { compensationFor } from './compensations.js';
import { sagaStepOf, timeoutReasonOf } from './order-saga-step.js';
import type { DueSaga } from './order-saga.store.js';
import { OrderSagaStore } from './order-saga.store.js';

/** How often a customer's cancellation is retried when a saga step changed the order meanwhile. */
const CANCEL_ATTEMPTS = 3;

/**
 * The order saga's orchestrator. Every step, whatever started it (a participant's reply, a
 * deadline, a customer), is one transaction that records the order's new facts, its saga step
 * and deadline (order_sagas), and the next commands or compensations (outbox):
 *
 *   OrderPlaced → catalog: StockReserved → payments: AuthorizePayment → PaymentAuthorized → CONFIRMED
 *                          StockRejected → CANCELLED        PaymentFailed → ReleaseStock → CANCELLED
 *   deadline passed, or cancelled on request → CANCELLED, with ReleaseStock (and VoidPayment
 *   once stock was reserved); PaymentVoided → OrderPaymentVoided
 *
 * Replies are applied once (inbox). A reply that arrives after the order was cancelled is
 * compensated, not applied: stock reserved too late is released at once; a payment approved
 * too late is voided by payments itself, which got VoidPayment at the cancellation. Two steps
 * racing for one order (a reply and its deadline) cannot both win: the event store refuses
 * the second append, and that step runs again on the new state.
 */
@Injectable()
export class OrderSagaService {
  private readonly logger = new Logger(OrderSagaService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: InboxService,
    private readonly outbox: OutboxService,
    private readonly events: OrderEventStore,
    private readonly sagas: OrderSagaStore,
    private readonly steps: OrderStepWriter,
  ) {}

  onStockReserved(event: MessageOf<typeof StockReserved>): Promise<void> {
    return this.onReply('orders.saga.stock-reserved', event, async (order, manager) => {
      switch (order.status) {
        case 'PENDING':
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
          return;
        case 'CANCELLED':
          // Cancelled while catalog was reserving: what it just took goes straight back.
          await this.releaseStock(manager, order.id, event.items);
          this.logger.log({ orderId: order.id }, 'stock reserved after cancellation released');
          return;
        case 'STOCK_RESERVED':
        case 'CONFIRMED':
          return this.ignore(order, 'StockReserved');
        default:
          return unreachable(order.status);
      }
    });
  }

  onStockRejected(event: MessageOf<typeof StockRejected>): Promise<void> {
    return this.onReply('orders.saga.stock-rejected', event, async (order) => {
      switch (order.status) {
        case 'PENDING':
          // Catalog took nothing: nothing to compensate.
          order.cancel(event.reason);
          return;
        case 'STOCK_RESERVED':
        case 'CONFIRMED':
        case 'CANCELLED':
          return this.ignore(order, 'StockRejected');
        default:
          return unreachable(order.status);
      }
    });
  }

  onPaymentAuthorized(event: MessageOf<typeof PaymentAuthorized>): Promise<void> {
    return this.onReply('orders.saga.payment-authorized', event, async (order) => {
      switch (order.status) {
        case 'STOCK_RESERVED':
          order.confirm(event.paymentId);
          return;
        case 'CANCELLED':
        // VoidPayment went out with the cancellation; payments voids this approval itself.
        case 'PENDING':
        case 'CONFIRMED':
          return this.ignore(order, 'PaymentAuthorized');
        default:
          return unreachable(order.status);
      }
    });
  }

  onPaymentFailed(event: MessageOf<typeof PaymentFailed>): Promise<void> {
    return this.onReply('orders.saga.payment-failed', event, async (order, manager) => {
      switch (order.status) {
        case 'STOCK_RESERVED':
          order.cancel(event.reason === 'DECLINED' ? 'PAYMENT_DECLINED' : 'PAYMENT_ERROR');
          // Compensation: the stock reserved for this order goes back on the shelf.
          await this.releaseStock(manager, order.id, order.items);
          return;
        case 'PENDING':
        case 'CONFIRMED':
        case 'CANCELLED':
          return this.ignore(order, 'PaymentFailed');
        default:
          return unreachable(order.status);
      }
    });
  }

  onPaymentVoided(event: MessageOf<typeof PaymentVoided>): Promise<void> {
    return this.onReply('orders.saga.payment-voided', event, async (order) => {
      if (order.status === 'CANCELLED' && !order.paymentVoided) {
        order.recordPaymentVoided(event.paymentId);
        return;
      }
      this.ignore(order, 'PaymentVoided');
    });
  }

  /**
   * A deadline passed. If the order still waits at the step the deadline was for, it is
   * cancelled with compensation; if it moved on meanwhile, its saga row is brought up to date.
   */
  async timeOut(due: DueSaga): Promise<'cancelled' | 'moved-on'> {
    const step = await this.dataSource.transaction(async (manager) => {
      const order = await this.events.load(manager, due.orderId);
      if (!order) throw new Error(`saga ${due.orderId} has no order`);
      const before = order.status;
      if (sagaStepOf(before) !== due.step) {
        await this.sagas.track(manager, order);
        return { outcome: 'moved-on' as const };
      }
      await this.cancelWithCompensation(manager, order, timeoutReasonOf(due.step));
      await this.steps.write(manager, order, before);
      return { outcome: 'cancelled' as const, order, before };
    });
    if (step.outcome === 'cancelled') this.steps.committed(step.order, step.before);
    return step.outcome;
  }

  /**
   * Cancels an order that has not ended yet, on someone's request: `reasonFor` is the caller's
   * policy (who may cancel, and why it says so) and throws for anyone it refuses. A step that
   * changed the order meanwhile makes it decide again on the new state.
   */
  async cancelOnRequest(
    orderId: string,
    cancelledBy: string,
    reasonFor: (order: Order) => CancellationReason,
  ): Promise<Order> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { order, statusBefore } = await this.dataSource.transaction(async (manager) => {
          const loaded = await this.events.load(manager, orderId);
          if (!loaded) throw notFound('ORDERS.NOT_FOUND', 'No order with this id.');
          const reason = reasonFor(loaded);
          if (loaded.isFinal) {
            throw conflict(
              'ORDERS.NOT_CANCELLABLE',
              `The order is ${loaded.status}: only an order still in progress can be cancelled.`,
            );
          }
          const before = loaded.status;
          await this.cancelWithCompensation(manager, loaded, reason, cancelledBy);
          await this.steps.write(manager, loaded, before);
          return { order: loaded, statusBefore: before };
        });
        this.steps.committed(order, statusBefore);
        await this.steps.visible(order.id, order.version);
        return order;
      } catch (error) {
        // A saga step appended first: decide again on the new state (which may be final now).
        const raced = error instanceof AppError && error.code === 'ORDERS.CONCURRENT_UPDATE';
        if (!raced || attempt >= CANCEL_ATTEMPTS) throw error;
      }
    }
  }

  private async cancelWithCompensation(
    manager: EntityManager,
    order: Order,
    reason: CancellationReason,
    cancelledBy?: string,
  ): Promise<void> {
    const compensation = compensationFor(order.status);
    order.cancel(reason, cancelledBy);
    if (compensation.releaseStock) await this.releaseStock(manager, order.id, order.items);
    if (compensation.voidPayment) {
      if (!order.totalCents || !order.currency) {
        throw new Error(`order ${order.id} reserved stock without a price`);
      }
      await this.outbox.enqueue(
        manager,
        VoidPayment,
        newEvent(VoidPayment, {
          orderId: order.id,
          amountCents: order.totalCents,
          currency: order.currency,
        }),
      );
    }
  }

  private async releaseStock(
    manager: EntityManager,
    orderId: string,
    items: readonly { productId: string; quantity: number }[],
  ): Promise<void> {
    await this.outbox.enqueue(
      manager,
      ReleaseStock,
      newEvent(ReleaseStock, {
        orderId,
        items: items.map(({ productId, quantity }) => ({ productId, quantity })),
      }),
    );
  }

  private async onReply(
    consumer: string,
    reply: { eventId: string; orderId: string },
    decide: (order: Order, manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    let step: { order: Order; before: OrderStatus } | undefined;
    await this.inbox.processOnce(consumer, reply.eventId, async (manager) => {
      step = undefined; // a transaction that rolled back and ran again starts over
      const order = await this.events.load(manager, reply.orderId);
      if (!order) {
        this.logger.warn(
          { orderId: reply.orderId, consumer },
          'reply for an unknown order ignored',
        );
        return;
      }
      const before = order.status;
      await decide(order, manager);
      await this.steps.write(manager, order, before);
      step = { order, before };
    });
    if (step) this.steps.committed(step.order, step.before);
  }

  private ignore(order: Order, reply: string): void {
    this.logger.warn(
      { orderId: order.id, status: order.status, reply },
      'reply does not apply; ignored',
    );
  }
}

function unreachable(status: never): never {
  throw new Error(`unknown order status ${String(status)}`);
}
