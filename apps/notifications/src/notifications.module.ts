import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import {
  InboxMessage,
  MessagingModule,
  OutboxMessage,
  messagingMigrations,
} from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import { CreateNotificationsTables1764100000000 } from './migrations/1764100000000-create-notifications-tables.js';
import { Notification } from './notification.entity.js';
import type { NotificationsConfig } from './notifications.config.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { OrderStatusHandler } from './order-status.handler.js';

/** Tells customers what happened to their orders. */
@Module({})
export class NotificationsModule {
  static register(config: NotificationsConfig, context: ServiceContext): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'notifications',
          ...config.database,
          entities: [Notification, OutboxMessage, InboxMessage],
          migrations: [...messagingMigrations, CreateNotificationsTables1764100000000],
        }),
        MessagingModule.forService({ service: 'notifications', broker: brokerOf(context) }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [NotificationsController, OrderStatusHandler],
      providers: [NotificationsService],
    };
  }
}
