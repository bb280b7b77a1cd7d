import { afterEach, describe, expect, it } from '@jest/globals';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { LedgerEntry } from '../test/ledger-entry.entity.js';
import { ledgerMigrations } from '../test/ledger.migrations.js';
import {
  databaseExists,
  missingTestDatabase,
  type MissingDatabase,
} from '../test/test-databases.js';
import { openDataSource } from './open-data-source.js';
import { runPendingMigrations } from './migrations.runner.js';
import type { PersistenceOptions } from './persistence.options.js';

class FailOnPurpose1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE half_done (id int)');
    await queryRunner.query('SELECT * FROM table_that_does_not_exist');
  }
  async down(): Promise<void> {}
}

describe('openDataSource on PostgreSQL', () => {
  const databases: MissingDatabase[] = [];
  const opened: DataSource[] = [];
  const optionsFor = (database: MissingDatabase): PersistenceOptions => ({
    service: 'ledger',
    url: database.url,
    poolMax: 5,
    entities: [LedgerEntry],
    migrations: ledgerMigrations,
  });
  const open = async (options: PersistenceOptions) => {
    const dataSource = await openDataSource(options);
    opened.push(dataSource);
    return dataSource;
  };
  const fresh = () => {
    const database = missingTestDatabase('atlas-persistence');
    databases.push(database);
    return database;
  };
  afterEach(async () => {
    await Promise.all(
      opened
        .splice(0)
        .flatMap((dataSource) => (dataSource.isInitialized ? [dataSource.destroy()] : [])),
    );
    await Promise.all(databases.splice(0).map((database) => database.drop()));
  });

  it('creates the missing database and applies every migration', async () => {
    const database = fresh();

    const dataSource = await open(optionsFor(database));

    expect(await databaseExists(database.name)).toBe(true);
    expect(await appliedMigrations(dataSource)).toEqual([
      'CreateLedgerEntries1700000000000',
      'AddLedgerEntryMemo1700000000001',
    ]);
    await dataSource.query(
      `INSERT INTO ledger_entries (account, amount_cents, memo) VALUES ('a', 1, 'm')`,
    );
  });

  it('applies no migration on the second start', async () => {
    const database = fresh();
    const first = await open(optionsFor(database));
    await first.destroy();

    const second = await open(optionsFor(database));

    await expect(runPendingMigrations(second, 'ledger')).resolves.toEqual([]);
    expect(await appliedMigrations(second)).toHaveLength(2);
  });

  it('applies each migration once when several replicas start together', async () => {
    const database = fresh();

    const replicas = await Promise.all([1, 2, 3, 4].map(() => open(optionsFor(database))));

    for (const replica of replicas) {
      expect(await appliedMigrations(replica)).toEqual([
        'CreateLedgerEntries1700000000000',
        'AddLedgerEntryMemo1700000000001',
      ]);
    }
  });

  it('stops at a failing migration, names it, and keeps the ones before it', async () => {
    const database = fresh();
    const options = optionsFor(database);
    const failing = { ...options, migrations: [...ledgerMigrations, FailOnPurpose1700000000002] };

    await expect(openDataSource(failing)).rejects.toMatchObject({
      code: 'PERSISTENCE.MIGRATION_FAILED',
      message: expect.stringMatching(/FailOnPurpose1700000000002.*table_that_does_not_exist/),
    });

    // The failed migration's own transaction rolled back; the lock is free for the next start.
    const dataSource = await open(options);
    expect(await appliedMigrations(dataSource)).toHaveLength(2);
    expect(await dataSource.query(`SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
  });

  it('commits a transaction that succeeds and rolls back one that throws', async () => {
    const dataSource = await open(optionsFor(fresh()));

    await dataSource.transaction(async (manager) => {
      await manager.insert(LedgerEntry, { account: 'kept', amountCents: 100 });
    });
    const failed = dataSource.transaction(async (manager) => {
      await manager.insert(LedgerEntry, { account: 'undone', amountCents: 200 });
      throw new Error('changed my mind');
    });

    await expect(failed).rejects.toThrow('changed my mind');
    const accounts = (await dataSource.getRepository(LedgerEntry).find()).map((e) => e.account);
    expect(accounts).toEqual(['kept']);
  });
});

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource.query(
    'SELECT name FROM migrations ORDER BY timestamp',
  );
  return rows.map((row) => row.name);
}
