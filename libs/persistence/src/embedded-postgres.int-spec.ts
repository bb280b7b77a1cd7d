import { afterEach, describe, expect, it } from '@jest/globals';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { LedgerEntry } from '../test/ledger-entry.entity.js';
import { ledgerMigrations } from '../test/ledger.migrations.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';
import { openDataSource } from './open-data-source.js';
import { runPendingMigrations } from './migrations.runner.js';
import type { PersistenceOptions } from './persistence.options.js';

// Each test starts its own in-memory PGlite: PGlite has one database, so separate instances are
// how these tests keep their data apart. Start-up takes seconds, hence the explicit timeouts.
const PGLITE_TEST_TIMEOUT_MS = 60_000;

describe('openDataSource on embedded PGlite (pool of one)', () => {
  let embedded: EmbeddedPostgres | undefined;
  const opened: DataSource[] = [];
  const start = async (): Promise<PersistenceOptions> => {
    embedded = await startEmbeddedPostgres();
    return {
      service: 'ledger',
      url: embedded.url,
      poolMax: 1,
      entities: [LedgerEntry],
      migrations: ledgerMigrations,
    };
  };
  const open = async (options: PersistenceOptions) => {
    const dataSource = await openDataSource(options);
    opened.push(dataSource);
    return dataSource;
  };
  afterEach(async () => {
    for (const dataSource of opened.splice(0)) {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
    await embedded?.stop();
    embedded = undefined;
  });

  it(
    'applies the same migrations as on PostgreSQL, and none on the second start',
    async () => {
      const options = await start();

      const first = await open(options);
      const applied = await first.query('SELECT name FROM migrations ORDER BY timestamp');
      expect(applied).toEqual([
        { name: 'CreateLedgerEntries1700000000000' },
        { name: 'AddLedgerEntryMemo1700000000001' },
      ]);
      await first.destroy();

      const second = await open(options);
      await expect(runPendingMigrations(second, 'ledger')).resolves.toEqual([]);
      await second.getRepository(LedgerEntry).insert({ account: 'a', amountCents: 1 });
      expect(await second.getRepository(LedgerEntry).count()).toBe(1);
    },
    PGLITE_TEST_TIMEOUT_MS,
  );

  it(
    'keeps overlapping transactions apart: a rollback never undoes another commit',
    async () => {
      const dataSource = await open(await start());

      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          dataSource.transaction(async (manager) => {
            await manager.insert(LedgerEntry, { account: `tx-${i}`, amountCents: i });
            // Give the others every chance to interleave before this one ends.
            await new Promise((resolve) => setTimeout(resolve, 5));
            await manager.query('SELECT count(*) FROM ledger_entries');
            if (i % 2 === 1) throw new Error(`roll back tx-${i}`);
          }),
        ),
      );

      expect(outcomes.map((outcome) => outcome.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'fulfilled' : 'rejected')),
      );
      const accounts = (await dataSource.getRepository(LedgerEntry).find())
        .map((entry) => entry.account)
        .sort();
      expect(accounts).toEqual(Array.from({ length: 10 }, (_, i) => `tx-${i * 2}`).sort());
    },
    PGLITE_TEST_TIMEOUT_MS,
  );

  it(
    'fails loudly, not forever, when a transaction asks the pool for a second connection',
    async () => {
      const dataSource = await open({ ...(await start()), connectTimeoutMs: 500 });

      const deadlock = dataSource.transaction(async (manager) => {
        await manager.insert(LedgerEntry, { account: 'inside', amountCents: 1 });
        // Wrong on purpose: the repository goes through the pool, not through `manager`.
        await dataSource.getRepository(LedgerEntry).count();
      });

      await expect(deadlock).rejects.toMatchObject({
        code: 'PERSISTENCE.POOL_TIMEOUT',
        message: expect.stringContaining('inside a transaction, use only its EntityManager'),
      });
      // The transaction rolled back and its connection went back to the pool.
      expect(await dataSource.getRepository(LedgerEntry).count()).toBe(0);
    },
    PGLITE_TEST_TIMEOUT_MS,
  );

  it(
    'lets a pool of one reconnect right after the previous pool closed',
    async () => {
      const { url } = await start();

      // What a service does when it stops and starts again in the same process (and what a pool
      // does when it replaces its one connection): close, then connect at once.
      for (let round = 0; round < 6; round++) {
        const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5_000 });
        await expect(pool.query('SELECT $1::int AS round', [round])).resolves.toMatchObject({
          rows: [{ round }],
        });
        await pool.end();
      }
    },
    PGLITE_TEST_TIMEOUT_MS,
  );
});
