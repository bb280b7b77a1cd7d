import type { EntitySchema, MigrationInterface } from 'typeorm';

/** A TypeORM entity: a decorated class or an `EntitySchema`. */
export type EntityDefinition = (new (...args: never[]) => object) | EntitySchema;

/** A migration class; instantiated by TypeORM with no arguments. */
export type MigrationClass = new () => MigrationInterface;

/**
 * Tables a library keeps in the database of each service that uses it (messaging's outbox and
 * inbox): their entities and the migrations that create them, given as one.
 */
export interface LibraryTables {
  readonly entities: readonly EntityDefinition[];
  readonly migrations: readonly MigrationClass[];
}

/**
 * What a service tells the persistence library. The app parses these from its environment
 * (`DATABASE_URL`, `DATABASE_POOL_MAX`, ...) once, at start; the library never reads it.
 */
export interface PersistenceOptions {
  /** The service's name (`orders`): used in log lines, errors and `application_name`. */
  readonly service: string;
  /**
   * `postgres://user:pass@host:port/database`. The database is created on first start if it is
   * missing (distributed mode: one database per service). Embedded mode passes the URL from
   * `startEmbeddedPostgres()`, whose database `postgres` always exists.
   */
  readonly url: string;
  /**
   * Maximum connections in the pool. Embedded mode (PGlite) must pass 1: it is one session.
   *
   * The rule that keeps a pool of one correct: inside a transaction, run every query through
   * that transaction's `EntityManager` (the `manager` argument of `dataSource.transaction`).
   * Anything that asks the pool for another connection (the injected repository, the global
   * `DataSource`, a second `transaction()`) waits for the connection the transaction holds,
   * which is a deadlock; `connectTimeoutMs` turns it into a `PERSISTENCE.POOL_TIMEOUT` error.
   */
  readonly poolMax: number;
  /** Every entity of the service; there is no directory scanning (ESM has no globs). */
  readonly entities: readonly EntityDefinition[];
  /**
   * Hand-written SQL migrations as classes, applied in timestamp order at start, each in its
   * own transaction, before the app serves. The same classes run on PostgreSQL and PGlite.
   */
  readonly migrations: readonly MigrationClass[];
  /**
   * The libraries' tables this database holds besides the service's own, such as
   * `[messagingTables]` from `#atlas/messaging`. Their migrations run with the service's, all in
   * timestamp order (TypeORM knows each by its name).
   */
  readonly libraryTables?: readonly LibraryTables[];
  /**
   * How long to wait for a connection, whether opening one or waiting for a free one in the
   * pool, before failing. Default 10 s: long enough for a queue of short requests on a pool of
   * one, short enough that a deadlock fails visibly.
   */
  readonly connectTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
