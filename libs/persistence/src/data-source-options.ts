import { Logger } from '@nestjs/common';
import type { DataSourceOptions } from 'typeorm';
import { createPgDriver } from './pg-driver.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, type PersistenceOptions } from './persistence.options.js';
import { TypeOrmNestLogger } from './typeorm-nest.logger.js';

/** The TypeORM data source options every Atlas service uses, on PostgreSQL and PGlite alike. */
export function createDataSourceOptions(options: PersistenceOptions): DataSourceOptions {
  if (!Number.isInteger(options.poolMax) || options.poolMax < 1) {
    throw new RangeError(
      `poolMax for service "${options.service}" must be a whole number of at least 1, got ` +
        `${options.poolMax}; embedded mode (PGlite) uses 1.`,
    );
  }
  const libraries = options.libraryTables ?? [];
  return {
    type: 'postgres',
    url: options.url,
    applicationName: `atlas-${options.service}`,
    driver: createPgDriver(options.service),
    entities: [...options.entities, ...libraries.flatMap((tables) => tables.entities)],
    migrations: [...libraries.flatMap((tables) => tables.migrations), ...options.migrations],
    // The schema is what the migrations say, on every database: never derived from entities.
    synchronize: false,
    // Migrations run explicitly, under a lock, after initialize() (see migrations.runner.ts).
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // Migrations create the extensions they need. TypeORM's automatic CREATE EXTENSION
    // "uuid-ossp" would fail on PGlite, which ships without it; gen_random_uuid() is built in.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    poolSize: options.poolMax,
    // Covers both opening a connection and waiting for a free one in the pool.
    connectTimeoutMS: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // A pool of one is embedded mode's single-session PGlite server, which accepts one
    // connection. Closing it when idle and reopening it on the next query races the server's
    // clean-up of the old one ("Connection terminated unexpectedly"), so it stays open.
    extra: options.poolMax === 1 ? { idleTimeoutMillis: 0 } : {},
    logger: new TypeOrmNestLogger(new Logger(`Persistence:${options.service}`)),
  };
}
