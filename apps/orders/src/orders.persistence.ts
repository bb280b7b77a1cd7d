import { messagingTables } from '#atlas/messaging';
import type { PersistenceOptions } from '#atlas/persistence';
import { OrderEventRecord } from './event-store/order-event.entity.js';
import { IdempotencyKey } from './idempotency/idempotency-key.entity.js';
import { CreateOrdersTables1764100000000 } from './migrations/1764100000000-create-orders-tables.js';
import { SeparateReadModelAndSagaState1764200000000 } from './migrations/1764200000000-separate-read-model-and-saga-state.js';
import { OrderView } from './read-model/order-view.entity.js';

/** Orders' tables, for the service and for its commands (orders:rebuild-read-model). */
export const ordersTables = {
  entities: [OrderEventRecord, OrderView, IdempotencyKey],
  migrations: [CreateOrdersTables1764100000000, SeparateReadModelAndSagaState1764200000000],
  libraryTables: [messagingTables],
} satisfies Pick<PersistenceOptions, 'entities' | 'migrations' | 'libraryTables'>;
