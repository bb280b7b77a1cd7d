import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { createTestDatabase, type TestDatabase } from '#atlas/testing';
import { DataSource, type MigrationInterface, type Repository } from 'typeorm';
import { LedgerEntry } from '../test/ledger-entry.entity.js';
import { ledgerMigrations } from '../test/ledger.migrations.js';
import { DatabaseHealthCheck } from './database.health-check.js';
import { PersistenceModule } from './persistence.module.js';
import type { MigrationClass, PersistenceOptions } from './persistence.options.js';

describe('PersistenceModule', () => {
  let database: TestDatabase | undefined;
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await database?.drop();
    database = undefined;
  });

  const start = async (overrides: Partial<PersistenceOptions> = {}) => {
    database = await createTestDatabase('persistence-module');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({
          service: 'ledger',
          url: database.url,
          poolMax: database.kind === 'embedded' ? 1 : 4,
          entities: [LedgerEntry],
          migrations: ledgerMigrations,
          ...overrides,
        }),
        PersistenceModule.forFeature([LedgerEntry], 'ledger'),
      ],
    }).compile();
    app = await moduleRef.init();
    return app;
  };

  it('starts with every migration applied and serves repositories for the entities', async () => {
    const context = await start();

    const entries = context.get<Repository<LedgerEntry>>(getRepositoryToken(LedgerEntry, 'ledger'));
    await entries.insert({ account: 'opening', amountCents: 1_000 });

    expect(await entries.count()).toBe(1);
    expect(await context.get(DataSource).query('SELECT memo FROM ledger_entries')).toEqual([
      { memo: null },
    ]);
  });

  it('reports the database healthy while running and unhealthy once closed', async () => {
    const context = await start();
    const health = context.get(DatabaseHealthCheck);
    expect(health.name).toBe('database');
    await expect(health.check()).resolves.toBeUndefined();

    await context.close();
    app = undefined;

    expect(context.get(DataSource).isInitialized).toBe(false);
    await expect(health.check()).rejects.toThrow(/connection is closed/);
  });

  it('reports a pool with no free connection as unhealthy instead of hanging', async () => {
    const context = await start({ poolMax: 1 });
    const busy = context.get(DataSource).createQueryRunner();
    await busy.connect();

    try {
      await expect(context.get(DatabaseHealthCheck).check()).rejects.toThrow(
        /did not answer SELECT 1 within 2000 ms/,
      );
    } finally {
      await busy.release();
    }
    await expect(context.get(DatabaseHealthCheck).check()).resolves.toBeUndefined();
  });

  it('fails the start at once, without retrying, when a migration fails', async () => {
    let attempts = 0;
    class AlwaysFails1700000000009 implements MigrationInterface {
      async up(): Promise<void> {
        attempts += 1;
        throw new Error('broken migration');
      }
      async down(): Promise<void> {}
    }
    const migrations: MigrationClass[] = [...ledgerMigrations, AlwaysFails1700000000009];

    await expect(start({ migrations })).rejects.toMatchObject({
      code: 'PERSISTENCE.MIGRATION_FAILED',
      message: expect.stringContaining('AlwaysFails1700000000009'),
    });
    expect(attempts).toBe(1);
  });
});
