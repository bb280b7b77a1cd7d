import { startEmbeddedPostgres } from '#atlas/persistence';
import { testDatabaseName } from './database/database-names.js';
import { createDatabase, databaseUrl, dropDatabase } from './database/postgres-admin.js';
import { readResolvedInfra } from './resolved-infra.js';
import { testPostgres } from './test-infra.js';

export interface TestDatabase {
  /** A `postgres://` URL for the `pg` driver or TypeORM. */
  readonly url: string;
  /**
   * `embedded` is an in-memory PGlite that serves one connection: use a pool of exactly one
   * (see startEmbeddedPostgres in #atlas/persistence).
   */
  readonly kind: 'real' | 'embedded';
  /** Removes the database; safe to call twice. Call it in afterAll. */
  drop(): Promise<void>;
}

/**
 * A new, empty database that only this test uses: on the real server a uniquely named
 * database (`atlas_test_<run>_<prefix>_<random>`), otherwise an in-memory PGlite.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const target = testPostgres();
  switch (target.kind) {
    case 'real': {
      const name = testDatabaseName(readResolvedInfra(process.env).runId, prefix);
      await createDatabase(target.url, name);
      return {
        url: databaseUrl(target.url, name),
        kind: 'real',
        drop: once(() => dropDatabase(target.url, name)),
      };
    }
    case 'embedded': {
      const embedded = await startEmbeddedPostgres();
      return { url: embedded.url, kind: 'embedded', drop: once(() => embedded.stop()) };
    }
    default: {
      const unreachable: never = target;
      throw new Error(`Unknown PostgreSQL target ${JSON.stringify(unreachable)}`);
    }
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
