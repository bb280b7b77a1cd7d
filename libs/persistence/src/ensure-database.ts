import { Client, DatabaseError, escapeIdentifier } from 'pg';
import { databaseNameOf, describeDatabaseUrl, withDatabase } from './database-url.js';
import { PersistenceError } from './persistence.error.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './persistence.options.js';

// SQLSTATEs, https://www.postgresql.org/docs/current/errcodes-appendix.html
const INVALID_CATALOG_NAME = '3D000'; // "database ... does not exist"
const DUPLICATE_DATABASE = '42P04';
// Two CREATE DATABASE for one name racing past each other can also trip the unique index on
// pg_database instead of the friendlier 42P04.
const UNIQUE_VIOLATION = '23505';

export interface EnsureDatabaseOptions {
  readonly connectTimeoutMs?: number;
}

/**
 * Creates the database `url` points at when it does not exist yet, so a service's first start
 * on a fresh server needs no manual step (one database per service). It first connects to the
 * database itself, so in the usual case (the database exists) it needs no extra privilege;
 * only a missing database makes it connect to the server's `postgres` database and create it.
 * Several replicas may start at once: losing the race to create it counts as success.
 *
 * Resolves `true` when this call created the database. A URL naming the `postgres` database
 * (embedded mode's) is left alone without connecting.
 */
export async function ensureDatabaseExists(
  url: string,
  options: EnsureDatabaseOptions = {},
): Promise<boolean> {
  const database = databaseNameOf(url);
  // Every server has it; and embedded PGlite, whose URL names it, accepts one connection only.
  if (database === 'postgres') return false;
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (await databaseExists(url, timeoutMs)) return false;

  const admin = await connect(withDatabase(url, 'postgres'), timeoutMs);
  try {
    await admin.query(`CREATE DATABASE ${escapeIdentifier(database)}`);
    return true;
  } catch (error) {
    const code = sqlStateOf(error);
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
    throw new PersistenceError(
      'PERSISTENCE.DATABASE_NOT_CREATED',
      `Database "${database}" does not exist on ${describeDatabaseUrl(url)} and creating it ` +
        `failed: ${messageOf(error)}. Create it yourself (CREATE DATABASE ` +
        `${escapeIdentifier(database)}) or give the user the CREATEDB privilege.`,
      { cause: error },
    );
  } finally {
    await admin.end();
  }
}

async function databaseExists(url: string, timeoutMs: number): Promise<boolean> {
  let client: Client;
  try {
    client = await connect(url, timeoutMs);
  } catch (error) {
    if (error instanceof PersistenceError && sqlStateOf(error.cause) === INVALID_CATALOG_NAME) {
      return false;
    }
    throw error;
  }
  await client.end();
  return true;
}

async function connect(url: string, timeoutMs: number): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // A connection that breaks while idle emits 'error'; the pending query rejects anyway, and
  // without a listener the event would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    throw new PersistenceError(
      'PERSISTENCE.DATABASE_UNREACHABLE',
      `Cannot connect to PostgreSQL at ${describeDatabaseUrl(url)}: ${messageOf(error)}. ` +
        'Check the database URL (DATABASE_URL) and that the server is running.',
      { cause: error },
    );
  }
}

function sqlStateOf(error: unknown): string | undefined {
  return error instanceof DatabaseError ? error.code : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(messageOf).join('; ');
  }
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}
