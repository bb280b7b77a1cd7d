import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import { CacheModule } from '#atlas/cache';
import { MessagingModule, messagingTables } from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import { LiveStatusPublisher } from './live/live-status.publisher.js';
import { CreateNotificationsTables1764100000000 } from './migrations/1764100000000-create-notifications-tables.js';
import { CreateWebhookTables1764200000000 } from './migrations/1764200000000-create-webhook-tables.js';
import { Notification } from './notification.entity.js';
import type { NotificationsConfig } from './notifications.config.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { OrderStatusHandler } from './order-status.handler.js';
import { WebhookDeliveryRecord } from './webhooks/webhook-delivery.entity.js';
import {
  DeliveryWorkerSettings,
  WebhookDeliveryWorker,
} from './webhooks/webhook-delivery.worker.js';
import { WebhookSender } from './webhooks/webhook-sender.js';
import { WebhookSubscriptionRecord } from './webhooks/webhook-subscription.entity.js';
import { WebhookSubscriptionsController } from './webhooks/webhook-subscriptions.controller.js';
import { WebhookSubscriptionsService } from './webhooks/webhook-subscriptions.service.js';
import {
  systemResolver,
  WEBHOOK_ALLOWED_TARGETS,
  WEBHOOK_RESOLVER,
  WebhookTargetPolicy,
} from './webhooks/webhook-target.policy.js';

/** Tells customers what happened to their orders: a feed, webhooks, and live updates. */
@Module({})
export class NotificationsModule {
  static register(config: NotificationsConfig, context: ServiceContext): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'notifications',
          ...config.database,
          entities: [Notification, WebhookSubscriptionRecord, WebhookDeliveryRecord],
          migrations: [CreateNotificationsTables1764100000000, CreateWebhookTables1764200000000],
          libraryTables: [messagingTables],
        }),
        MessagingModule.forService({ service: 'notifications', broker: brokerOf(context) }),
        CacheModule.forRoot({ ...config.cache, keyPrefix: 'notifications' }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [NotificationsController, WebhookSubscriptionsController, OrderStatusHandler],
      providers: [
        { provide: WEBHOOK_ALLOWED_TARGETS, useValue: config.webhooks.allowedTargets },
        { provide: WEBHOOK_RESOLVER, useValue: systemResolver },
        {
          provide: DeliveryWorkerSettings,
          useValue: {
            enabled: true,
            intervalMs: 5_000,
            maxBackoffMs: 30_000,
            batchSize: 20,
            inFlightLeaseMs: 60_000,
            retry: config.webhooks.retry,
          },
        },
        NotificationsService,
        WebhookTargetPolicy,
        WebhookSender,
        WebhookSubscriptionsService,
        WebhookDeliveryWorker,
        LiveStatusPublisher,
      ],
    };
  }
}
