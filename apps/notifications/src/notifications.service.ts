import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageOf, OrderStatusChanged, Page, PageQuery } from '#atlas/contracts';
import { InboxService } from '#atlas/messaging';
import { LiveStatusPublisher } from './live/live-status.publisher.js';
import { Notification } from './notification.entity.js';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker.js';
import { WebhookSubscriptionsService } from './webhooks/webhook-subscriptions.service.js';

export interface NotificationView {
  id: string;
  orderId: string;
  status: string;
  reason?: string;
  occurredAt: string;
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly inbox: InboxService,
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhookSubscriptionsService,
    private readonly deliveries: WebhookDeliveryWorker,
    private readonly live: LiveStatusPublisher,
  ) {}

  /**
   * One notification per status change, even when Kafka delivers the event twice; in the same
   * transaction, a webhook delivery for each subscription that asked for it. Then the change
   * goes live to the gateways.
   */
  async record(event: MessageOf<typeof OrderStatusChanged>): Promise<void> {
    let firstTime = false;
    let deliveries = 0;
    await this.inbox.processOnce('notifications.order-status', event.eventId, async (manager) => {
      firstTime = true;
      await manager.insert(Notification, {
        id: event.eventId,
        customerId: event.customerId,
        orderId: event.orderId,
        status: event.status,
        reason: event.reason ?? null,
        occurredAt: new Date(event.occurredAt),
      });
      deliveries = await this.webhooks.enqueueDeliveries(manager, event);
    });
    if (!firstTime) return;
    if (deliveries > 0) this.deliveries.wake();
    await this.live.publish(event);
  }

  async list(customerId: string, page: PageQuery): Promise<Page<NotificationView>> {
    const [rows, total] = await this.dataSource.getRepository(Notification).findAndCount({
      where: { customerId },
      order: { occurredAt: 'DESC', id: 'DESC' },
      skip: (page.page - 1) * page.limit,
      take: page.limit,
    });
    return {
      items: rows.map((row) => ({
        id: row.id,
        orderId: row.orderId,
        status: row.status,
        ...(row.reason ? { reason: row.reason } : {}),
        occurredAt: row.occurredAt.toISOString(),
      })),
      page: page.page,
      limit: page.limit,
      total,
    };
  }
}
