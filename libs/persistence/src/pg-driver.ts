import pg, { Pool, type PoolClient } from 'pg';
import { PersistenceError } from './persistence.error.js';

// pg-pool's message when `connectionTimeoutMillis` passes while waiting for a free client
// (opening a new connection that times out says "Connection terminated due to connection
// timeout" instead, and is left alone).
const POOL_CHECKOUT_TIMEOUT = 'timeout exceeded when trying to connect';

type ConnectCallback = (
  error: Error | undefined,
  client: PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * The `pg` module as TypeORM should load it (its `driver` option), with one change: a pool
 * whose "timeout exceeded" error says what usually causes it and how to fix it. With the pool
 * of one that embedded mode uses, the usual cause is a deadlock, and pg-pool's own message
 * gives no hint of that.
 */
export function createPgDriver(service: string): typeof pg {
  class ExplainingPool extends Pool {
    override connect(): Promise<PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
      if (!callback) {
        return super.connect().catch((error: unknown) => {
          throw this.explain(error);
        });
      }
      super.connect((error, client, done) => callback(error && this.explain(error), client, done));
    }

    private explain<E>(error: E): E | PersistenceError {
      if (!(error instanceof Error) || error.message !== POOL_CHECKOUT_TIMEOUT) return error;
      const max = this.options.max;
      const waited = this.options.connectionTimeoutMillis;
      return new PersistenceError(
        'PERSISTENCE.POOL_TIMEOUT',
        `Service "${service}" waited ${waited} ms for a database connection and all ${max} ` +
          `were busy. With a small pool (embedded mode uses one) this is usually code inside a ` +
          `transaction asking the pool for a second connection, which waits forever for the ` +
          `one the transaction holds: inside a transaction, use only its EntityManager. ` +
          `Otherwise look for slow queries or raise the pool size (DATABASE_POOL_MAX).`,
        { cause: error },
      );
    }
  }
  // Spread keeps everything TypeORM reads from the module (`defaults`, `types`, ...) and leaves
  // out the lazy `native` getter, so the pure-JS client is used as before.
  return { ...pg, Pool: ExplainingPool };
}
