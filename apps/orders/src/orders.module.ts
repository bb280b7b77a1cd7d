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
import { OrderEventRecord } from './event-store/order-event.entity.js';
import { OrderEventStore } from './event-store/order-event-store.js';
import { IdempotencyKey } from './idempotency/idempotency-key.entity.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { CreateOrdersTables1764100000000 } from './migrations/1764100000000-create-orders-tables.js';
import type { OrdersConfig } from './orders.config.js';
import { OrdersController } from './orders.controller.js';
import { OrdersQueries } from './orders.queries.js';
import { OrdersService } from './orders.service.js';
import { OrderProjection } from './read-model/order-projection.js';
import { OrderView } from './read-model/order-view.entity.js';
import { OrderSagaService } from './saga/order-saga.service.js';
import { SagaHandlers } from './saga/saga.handlers.js';

/** Orders, event-sourced, with their read model and the saga that sees each one through. */
@Module({})
export class OrdersModule {
  static register(config: OrdersConfig, context: ServiceContext): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'orders',
          ...config.database,
          entities: [OrderEventRecord, OrderView, IdempotencyKey, OutboxMessage, InboxMessage],
          migrations: [...messagingMigrations, CreateOrdersTables1764100000000],
        }),
        MessagingModule.forService({ service: 'orders', broker: brokerOf(context) }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [OrdersController, SagaHandlers],
      providers: [
        OrdersService,
        OrdersQueries,
        OrderSagaService,
        OrderEventStore,
        OrderProjection,
        IdempotencyService,
      ],
    };
  }
}
