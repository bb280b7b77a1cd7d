import { type DynamicModule, Module } from '@nestjs/common';
import { brokerOf, type ServiceContext } from '#atlas/bootstrap';
import { MessagingModule } from '#atlas/messaging';
import { PersistenceModule } from '#atlas/persistence';
import { SecurityModule } from '#atlas/security';
import { OrderEventStore } from './event-store/order-event-store.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import type { OrdersConfig } from './orders.config.js';
import { OrdersController } from './orders.controller.js';
import { ordersTables } from './orders.persistence.js';
import { OrdersQueries } from './orders.queries.js';
import { OrdersService } from './orders.service.js';
import { OrderProjectionStore } from './read-model/order-projection.store.js';
import { OrderReadModelRebuild } from './read-model/order-read-model.rebuild.js';
import { OrderProjector } from './read-model/order.projector.js';
import { SAGA_TIMEOUTS } from './saga/order-saga-step.js';
import { OrderSagaMetrics } from './saga/order-saga.metrics.js';
import { OrderSagaService } from './saga/order-saga.service.js';
import { OrderSagaStore } from './saga/order-saga.store.js';
import { OrderTimeoutsScheduler } from './saga/order-timeouts.scheduler.js';
import { SagaHandlers } from './saga/saga.handlers.js';
import { OrderStepWriter } from './write-side/order-step.writer.js';

/**
 * Orders, event-sourced: the write side appends to the event store; a projector keeps the
 * read model; the saga sees each order through, with deadlines its scheduler enforces.
 */
@Module({})
export class OrdersModule {
  static register(config: OrdersConfig, context: ServiceContext): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        PersistenceModule.forRoot({
          service: 'orders',
          ...config.database,
          ...ordersTables,
        }),
        MessagingModule.forService({ service: 'orders', broker: brokerOf(context) }),
        SecurityModule.forRoot(config.tokens),
      ],
      controllers: [OrdersController, SagaHandlers],
      providers: [
        OrdersService,
        OrdersQueries,
        OrderEventStore,
        IdempotencyService,
        OrderProjectionStore,
        OrderProjector,
        OrderReadModelRebuild,
        { provide: SAGA_TIMEOUTS, useValue: config.sagaTimeouts },
        OrderSagaStore,
        OrderSagaService,
        OrderSagaMetrics,
        OrderTimeoutsScheduler,
        OrderStepWriter,
      ],
    };
  }
}
