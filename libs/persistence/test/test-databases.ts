import { testPostgres, uniqueName } from '#atlas/testing';
import { Client, escapeIdentifier } from 'pg';

export interface MissingDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database if the test created it (and ends connections still open to it). */
  drop(): Promise<void>;
}

/**
 * A database name no other test uses, on the run's real PostgreSQL, NOT created: the library
 * under test must create it. (`createTestDatabase` from #atlas/testing hands out databases
 * that already exist, which is what tests that are not about creation should use.)
 */
export function missingTestDatabase(prefix: string): MissingDatabase {
  const name = uniqueName(prefix);
  const url = new URL(realPostgresUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await onServer(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

export async function databaseExists(name: string): Promise<boolean> {
  const rows = await onServer('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

/**
 * Creating databases and serving several connections at once are PostgreSQL server behaviour
 * that PGlite, the embedded fallback, does not have; the PGlite side of this library is
 * tested in embedded-postgres.int-spec.ts. So these suites need the real server.
 */
function realPostgresUrl(): string {
  const target = testPostgres();
  if (target.kind === 'embedded') {
    throw new Error(
      `This suite tests PostgreSQL server behaviour (CREATE DATABASE, concurrent connections) ` +
        `that embedded PGlite cannot stand in for, and no real PostgreSQL was found ` +
        `(${target.reason}). Start PostgreSQL on 127.0.0.1:5432 or point the test harness at ` +
        `one (see libs/testing).`,
    );
  }
  return target.url;
}

async function onServer(sql: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new Client({ connectionString: realPostgresUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
