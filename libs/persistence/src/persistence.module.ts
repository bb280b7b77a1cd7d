import { type DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, getEntityManagerToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DatabaseHealthCheck } from './database.health-check.js';
import { DatabaseNotifications } from './database-notifications.js';
import { createDataSourceOptions } from './data-source-options.js';
import { openDataSource } from './open-data-source.js';
import type { EntityDefinition, PersistenceOptions } from './persistence.options.js';
import { isTransientConnectionError } from './transient-connection-error.js';

/**
 * A service's database, as one import:
 *
 * ```ts
 * imports: [
 *   PersistenceModule.forRoot({ ...config.database, service: 'orders',
 *     entities: [Order], migrations: [CreateOrders1700000000000] }),
 *   PersistenceModule.forFeature([Order], 'orders'), // @InjectRepository(Order, 'orders')
 * ]
 * ```
 *
 * The app does not serve before the database exists and every migration is applied. The
 * `DataSource`, `EntityManager`, `DatabaseHealthCheck` and `DatabaseNotifications` can be
 * injected anywhere. Entities given to `forFeature` must also be in `forRoot`'s `entities`.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          // Named after the service: embedded mode runs every service's Nest app in one
          // process, and @nestjs/typeorm checks data source names process-wide.
          name: options.service,
          useFactory: () => ({
            ...createDataSourceOptions(options),
            // A database starting alongside the service gets about ten seconds; anything that
            // would fail the same way again (a broken migration, a wrong password) fails now.
            retryAttempts: 5,
            retryDelay: 2_000,
            toRetry: isTransientConnectionError,
            verboseRetryLog: true,
          }),
          dataSourceFactory: () => openDataSource(options),
        }),
      ],
      providers: [
        // The service's only data source, injectable by class as if it were unnamed.
        { provide: DataSource, useExisting: getDataSourceToken(options.service) },
        { provide: EntityManager, useExisting: getEntityManagerToken(options.service) },
        DatabaseHealthCheck,
        { provide: DatabaseNotifications, useFactory: () => new DatabaseNotifications(options) },
      ],
      exports: [DataSource, EntityManager, DatabaseHealthCheck, DatabaseNotifications],
    };
  }

  /**
   * Repositories of these entities, for `@InjectRepository(Entity, service)` in the importing
   * module; `service` names the data source, as given to `forRoot`.
   */
  static forFeature(entities: readonly EntityDefinition[], service: string): DynamicModule {
    return TypeOrmModule.forFeature([...entities], service);
  }
}
