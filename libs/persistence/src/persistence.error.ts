/** Stable codes for what can go wrong between a service and its database. */
export type PersistenceErrorCode =
  | 'PERSISTENCE.DATABASE_UNREACHABLE'
  | 'PERSISTENCE.DATABASE_NOT_CREATED'
  | 'PERSISTENCE.MIGRATION_FAILED'
  | 'PERSISTENCE.POOL_TIMEOUT'
  | 'PERSISTENCE.UNHEALTHY';

/**
 * An infrastructure failure of the persistence layer. Not an HTTP error: at the edge it is a
 * 500 (or a not-ready probe); the `code` is for logs, alerts and tests.
 */
export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';

  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
