import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  CreatedWebhookSubscription,
  CreateWebhookSubscriptionRequest,
  MessageOf,
  OrderStatus,
  OrderStatusChanged,
  Page,
  PageQuery,
  WebhookDelivery,
  WebhookEventType,
  WebhookSubscription,
} from '#atlas/contracts';
import { conflict, notFound } from '#atlas/http';
import { toDeliveryDto, WebhookDeliveryRecord } from './webhook-delivery.entity.js';
import { newWebhookSecret } from './webhook-signature.js';
import { toSubscriptionDto, WebhookSubscriptionRecord } from './webhook-subscription.entity.js';
import { WebhookTargetPolicy } from './webhook-target.policy.js';

/** Enough for any integration; a bound on how many requests one event can cause. */
const MAX_SUBSCRIPTIONS_PER_CUSTOMER = 10;

@Injectable()
export class WebhookSubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly targets: WebhookTargetPolicy,
  ) {}

  async subscribe(
    customerId: string,
    request: CreateWebhookSubscriptionRequest,
  ): Promise<CreatedWebhookSubscription> {
    await this.targets.assertAllowed(request.url);
    const repository = this.dataSource.getRepository(WebhookSubscriptionRecord);
    if ((await repository.countBy({ customerId })) >= MAX_SUBSCRIPTIONS_PER_CUSTOMER) {
      throw conflict(
        'WEBHOOKS.TOO_MANY_SUBSCRIPTIONS',
        `At most ${MAX_SUBSCRIPTIONS_PER_CUSTOMER} subscriptions per customer: delete one first.`,
      );
    }
    const record = repository.create({
      id: randomUUID(),
      customerId,
      url: request.url,
      events: [...new Set(request.events)],
      secret: newWebhookSecret(),
    });
    await repository.insert(record);
    return { ...toSubscriptionDto(record), secret: record.secret };
  }

  async list(customerId: string): Promise<WebhookSubscription[]> {
    const records = await this.dataSource.getRepository(WebhookSubscriptionRecord).find({
      where: { customerId },
      order: { createdAt: 'ASC' },
    });
    return records.map(toSubscriptionDto);
  }

  async unsubscribe(customerId: string, id: string): Promise<void> {
    const result = await this.dataSource
      .getRepository(WebhookSubscriptionRecord)
      .delete({ id, customerId });
    if (!result.affected) throw subscriptionNotFound();
  }

  /** The delivery log of one of the caller's subscriptions, newest first. */
  async deliveries(
    customerId: string,
    subscriptionId: string,
    page: PageQuery,
  ): Promise<Page<WebhookDelivery>> {
    const owned = await this.dataSource
      .getRepository(WebhookSubscriptionRecord)
      .existsBy({ id: subscriptionId, customerId });
    if (!owned) throw subscriptionNotFound();
    const [records, total] = await this.dataSource
      .getRepository(WebhookDeliveryRecord)
      .findAndCount({
        where: { subscriptionId },
        order: { createdAt: 'DESC', id: 'DESC' },
        skip: (page.page - 1) * page.limit,
        take: page.limit,
      });
    return { items: records.map(toDeliveryDto), page: page.page, limit: page.limit, total };
  }

  /**
   * One delivery per subscription of the order's customer that asked for this event, written
   * with the caller's transaction (the one that records the event), so none can be lost.
   */
  async enqueueDeliveries(
    manager: EntityManager,
    event: MessageOf<typeof OrderStatusChanged>,
  ): Promise<number> {
    const type = webhookEventFor(event.status);
    const subscriptions = await manager.getRepository(WebhookSubscriptionRecord).findBy({
      customerId: event.customerId,
    });
    const interested = subscriptions.filter((subscription) => subscription.events.includes(type));
    for (const subscription of interested) {
      const id = randomUUID();
      await manager.insert(WebhookDeliveryRecord, {
        id,
        subscriptionId: subscription.id,
        eventId: event.eventId,
        eventType: type,
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: () => 'now()',
        payload: {
          id,
          type,
          createdAt: new Date().toISOString(),
          data: {
            orderId: event.orderId,
            status: event.status,
            ...(event.reason ? { reason: event.reason } : {}),
            occurredAt: event.occurredAt,
          },
        },
      });
    }
    return interested.length;
  }
}

export function webhookEventFor(status: OrderStatus): WebhookEventType {
  switch (status) {
    case 'PENDING':
      return 'order.placed';
    case 'STOCK_RESERVED':
      return 'order.stock-reserved';
    case 'CONFIRMED':
      return 'order.confirmed';
    case 'CANCELLED':
      return 'order.cancelled';
    default: {
      const unknown: never = status;
      throw new Error(`No webhook event for order status ${String(unknown)}`);
    }
  }
}

function subscriptionNotFound() {
  return notFound('WEBHOOKS.SUBSCRIPTION_NOT_FOUND', 'You have no subscription with this id.');
}
