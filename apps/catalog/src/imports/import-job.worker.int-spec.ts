import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventContract, MessageOf } from '#atlas/contracts';
import { OutboxService } from '#atlas/messaging';
import { createTestDatabase, type TestDatabase } from '#atlas/testing';
import { openCatalogDataSource } from '../../test/catalog-data-source.js';
import { productsServiceOn } from '../../test/products-service.js';
import type { ProductsService } from '../products/products.service.js';
import { ImportJobRecord } from './import-job.entity.js';
import { ImportJobWorker, type ImportWorkerSettings } from './import-job.worker.js';
import { ImportJobsService } from './import-jobs.service.js';

/** An outbox that lets `allowed` events through, then fails: a worker dying mid-batch. */
class DyingOutbox extends OutboxService {
  private calls = 0;

  constructor(private readonly allowed: number) {
    super();
  }

  override async enqueue<C extends EventContract>(
    manager: EntityManager,
    contract: C,
    event: MessageOf<C>,
  ): Promise<void> {
    this.calls += 1;
    if (this.calls > this.allowed) throw new Error('the worker died');
    await super.enqueue(manager, contract, event);
  }
}

const settings = (overrides: Partial<ImportWorkerSettings> = {}): ImportWorkerSettings => ({
  enabled: false,
  intervalMs: 50,
  maxBackoffMs: 200,
  leaseMs: 800,
  batchSize: 2,
  maxAttempts: 5,
  ...overrides,
});

const OWNER = '1f3c7a9e-2b4d-4e6f-8a1b-3c5d7e9f1a2b';

describe('ImportJobWorker (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let products: ProductsService;

  beforeAll(async () => {
    db = await createTestDatabase('catalog_import');
    dataSource = await openCatalogDataSource(db.url, db.kind);
    products = await productsServiceOn(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  async function submit(rows: string[]): Promise<string> {
    const jobs = new ImportJobsService(
      dataSource,
      new ImportJobWorker(dataSource, new OutboxService(), products, settings()),
    );
    const csv = ['sku,name,priceCents,currency,stock', ...rows].join('\n');
    return (await jobs.submit(OWNER, 'products.csv', Buffer.from(csv))).id;
  }

  const job = (id: string) => dataSource.getRepository(ImportJobRecord).findOneByOrFail({ id });

  it('carries on after a worker dies mid-way, from the last committed batch, applying each row once', async () => {
    const run = Math.random().toString(36).slice(2, 8);
    const id = await submit([
      `R-${run}-1,One,100,EUR,1`,
      `R-${run}-2,Two,200,EUR,2`,
      `R-${run}-3,Three,300,EUR,3`,
      `R-${run}-4,Four,oops,EUR,4`,
      `R-${run}-5,Five,500,EUR,5`,
      `R-${run}-6,Six,600,EUR,6`,
    ]);
    // The first worker commits its first batch of two rows, then dies in the second.
    const dying = new ImportJobWorker(dataSource, new DyingOutbox(2), products, settings());
    await expect(dying.runOnce()).rejects.toThrow('the worker died');

    expect(await job(id)).toMatchObject({
      status: 'RUNNING',
      nextRow: 2,
      createdCount: 2,
      attempts: 1,
      leaseOwner: dying.id,
    });
    const successor = new ImportJobWorker(dataSource, new OutboxService(), products, settings());
    // Not while the dead worker's lease runs...
    await expect(successor.runOnce()).resolves.toBe(false);
    // ...but as soon as it has run out.
    await waitUntil(() => leaseOver(id));
    await expect(successor.runOnce()).resolves.toBe(true);

    expect(await job(id)).toMatchObject({
      status: 'SUCCEEDED',
      nextRow: 6,
      createdCount: 5,
      updatedCount: 0,
      failedCount: 1,
      attempts: 2,
      leaseOwner: null,
      errors: [
        {
          line: 5,
          sku: `R-${run}-4`,
          errors: [{ field: 'priceCents', message: 'a whole number of cents' }],
        },
      ],
    });
    const imported: { sku: string }[] = await dataSource.query(
      'SELECT sku FROM products WHERE sku LIKE $1 ORDER BY sku',
      [`R-${run}-%`],
    );
    expect(imported.map((row) => row.sku)).toEqual([1, 2, 3, 5, 6].map((n) => `R-${run}-${n}`));
    // One ProductChanged per imported row: the dead worker's second batch left none behind.
    const events: { count: string }[] = await dataSource.query(
      `SELECT count(*) AS count FROM outbox WHERE topic = 'catalog.product-changed.v1'
         AND key IN (SELECT id::text FROM products WHERE sku LIKE $1)`,
      [`R-${run}-%`],
    );
    expect(Number(events[0]?.count)).toBe(5);
    await expect(successor.runOnce()).resolves.toBe(false);
  });

  it('updates the products whose SKU exists, and gives up on a job that keeps killing workers', async () => {
    const run = Math.random().toString(36).slice(2, 8);
    const first = await submit([`U-${run}-1,Original,100,EUR,1`]);
    await new ImportJobWorker(dataSource, new OutboxService(), products, settings()).runOnce();
    expect(await job(first)).toMatchObject({ status: 'SUCCEEDED', createdCount: 1 });

    const second = await submit([`U-${run}-1,Renamed,150,EUR,9`, `U-${run}-2,New,100,EUR,1`]);
    const quick = settings({ leaseMs: 100, maxAttempts: 2 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await waitUntil(() => leaseOver(second));
      await expect(
        new ImportJobWorker(dataSource, new DyingOutbox(0), products, quick).runOnce(),
      ).rejects.toThrow('the worker died');
    }
    await waitUntil(() => leaseOver(second));
    await new ImportJobWorker(dataSource, new OutboxService(), products, quick).runOnce();

    expect(await job(second)).toMatchObject({
      status: 'FAILED',
      nextRow: 0,
      failure: 'Gave up after 2 attempts: the import kept failing.',
    });
    const [original] = await dataSource.query('SELECT name FROM products WHERE sku = $1', [
      `U-${run}-1`,
    ]);
    expect(original).toEqual({ name: 'Original' });

    const third = await submit([`U-${run}-1,Renamed,150,EUR,9`]);
    await new ImportJobWorker(dataSource, new OutboxService(), products, settings()).runOnce();
    expect(await job(third)).toMatchObject({
      status: 'SUCCEEDED',
      createdCount: 0,
      updatedCount: 1,
    });
    const [renamed] = await dataSource.query(
      'SELECT name, price_cents AS "priceCents", stock FROM products WHERE sku = $1',
      [`U-${run}-1`],
    );
    expect(renamed).toEqual({ name: 'Renamed', priceCents: 150, stock: 9 });
  });

  /** No worker holds the job: never taken, or its lease ran out (on the database's clock). */
  async function leaseOver(id: string): Promise<boolean> {
    const [row] = await dataSource.query<{ over: boolean }[]>(
      'SELECT lease_until IS NULL OR lease_until < now() AS over FROM import_jobs WHERE id = $1',
      [id],
    );
    return row?.over === true;
  }
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
