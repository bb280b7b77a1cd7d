import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageOf, OrderStatusChanged, Page, PageQuery } from '#atlas/contracts';
import { InboxService } from '#atlas/messaging';
import { Notification } from './notification.entity.js';

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
  ) {}

  /** One notification per status change, even when Kafka delivers the event twice. */
  async record(event: MessageOf<typeof OrderStatusChanged>): Promise<void> {
    await this.inbox.processOnce('notifications.order-status', event.eventId, async (manager) => {
      await manager.insert(Notification, {
        id: event.eventId,
        customerId: event.customerId,
        orderId: event.orderId,
        status: event.status,
        reason: event.reason ?? null,
        occurredAt: new Date(event.occurredAt),
      });
    });
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
