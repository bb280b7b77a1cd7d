import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startSingleConnectionGate } from './single-connection.gate.js';

export interface EmbeddedPostgresOptions {
  /** Folder that keeps the data between runs; omit for an in-memory database. */
  readonly dataDir?: string;
}

export interface EmbeddedPostgres {
  /** A `postgres://` URL for the normal `pg` driver. Use it with a pool of exactly one. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Embedded mode's PostgreSQL: PGlite (the real Postgres engine compiled to WASM) served over
 * the Postgres wire protocol on a loopback port, so services use the same `pg` driver, SQL
 * and migrations as in production; only the URL differs.
 *
 * PGlite is one session. The socket server queues protocol messages one at a time, so two
 * client connections could interleave one query's Parse/Bind/Execute with another's: the
 * server therefore accepts a single connection, and callers must use a pool of size one
 * (`DATABASE_POOL_MAX=1`). Overlapping requests then wait their turn instead of corrupting
 * each other's transactions. Clients connect through a gate that lets one connection through
 * at a time, so a client that reconnects right after closing waits for the server to free its
 * slot instead of being refused (see single-connection.gate.ts).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const [host = '127.0.0.1', port] = server.getServerConn().split(':');
  const gate = await startSingleConnectionGate(
    { host, port: Number(port) },
    () => server.getStats().activeConnections === 0,
  );
  return {
    url: `postgres://postgres@${gate.address}/postgres`,
    async stop() {
      await gate.close();
      await server.stop();
      await db.close();
    },
  };
}
