import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { newEvent, ProductChanged, type ImportRowError } from '#atlas/contracts';
import { OutboxService } from '#atlas/messaging';
import { ProductsService } from '../products/products.service.js';
import { ImportJobRecord } from './import-job.entity.js';
import { firstLines, parseProductCsv, validateRow, type CsvRow } from './product-csv.js';

export interface ImportWorkerSettings {
  /** Off in tests that drive `runOnce()` themselves. */
  readonly enabled: boolean;
  /** How often an idle worker looks for jobs; `wake()` makes it look at once. */
  readonly pollMs: number;
  /** How long a job stays with its worker without news; then another worker may take it. */
  readonly leaseMs: number;
  /** Rows per transaction: the unit of progress, and of what a crash redoes. */
  readonly batchSize: number;
  /** A job that took this many workers down is failed instead of tried again. */
  readonly maxAttempts: number;
}

export const IMPORT_WORKER_SETTINGS = Symbol('IMPORT_WORKER_SETTINGS');

export const DEFAULT_IMPORT_WORKER: ImportWorkerSettings = {
  enabled: true,
  pollMs: 1_000,
  leaseMs: 30_000,
  batchSize: 100,
  maxAttempts: 5,
};

/** Row errors kept with a job; `failed` still counts every one. */
const MAX_STORED_ERRORS = 500;

type Claimed = Pick<ImportJobRecord, 'id' | 'content' | 'nextRow'>;

/**
 * Runs CSV imports in the background, in every catalog replica. A job is taken with
 * `FOR UPDATE SKIP LOCKED` and a lease, so one worker runs it at a time; each batch of rows is
 * applied, counted and its ProductChanged events enqueued in one transaction that also moves
 * the job's `nextRow`. A worker that dies (or a replica that restarts) leaves its lease to
 * expire, and the next worker carries on from the last committed batch.
 */
@Injectable()
export class ImportJobWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportJobWorker.name);
  /** This worker's name on the leases it takes. */
  readonly id = randomUUID();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private wakeRequested = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly products: ProductsService,
    @Inject(IMPORT_WORKER_SETTINGS) private readonly settings: ImportWorkerSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.enabled) this.loop = this.run();
  }

  /** Stops between batches; the job's lease is handed back so another replica goes on at once. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
  }

  /** A job was just submitted: look now instead of at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Takes one runnable job and works on it; false when there was none. */
  async runOnce(): Promise<boolean> {
    const job = await this.claim();
    if (job === 'none') return false;
    if (job !== 'given-up') await this.work(job);
    return true;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let worked = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        this.logger.error({ err: error }, 'an import batch failed; its job will be retried');
      }
      if (!worked && !this.wakeRequested) await this.idle();
      this.wakeRequested = false;
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.settings.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private claim(): Promise<Claimed | 'none' | 'given-up'> {
    return this.dataSource.transaction(async (manager) => {
      const [job] = await manager
        .getRepository(ImportJobRecord)
        .createQueryBuilder('job')
        .select(['job.id', 'job.content', 'job.nextRow', 'job.attempts'])
        .where(`job.status = 'QUEUED' OR (job.status = 'RUNNING' AND job.lease_until < now())`)
        .orderBy('job.created_at', 'ASC')
        .limit(1)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (!job) return 'none';
      if (job.attempts >= this.settings.maxAttempts) {
        await manager.update(
          ImportJobRecord,
          { id: job.id },
          {
            status: 'FAILED',
            failure: `Gave up after ${job.attempts} attempts: the import kept failing.`,
            leaseOwner: null,
            leaseUntil: null,
            finishedAt: () => 'now()',
          },
        );
        this.logger.error({ jobId: job.id, attempts: job.attempts }, 'import job given up');
        return 'given-up';
      }
      await manager.update(
        ImportJobRecord,
        { id: job.id },
        {
          status: 'RUNNING',
          attempts: job.attempts + 1,
          leaseOwner: this.id,
          leaseUntil: this.leaseEnd(),
          startedAt: () => 'coalesce(started_at, now())',
        },
      );
      this.logger.log({ jobId: job.id, fromRow: job.nextRow }, 'import job taken');
      return job;
    });
  }

  private async work(job: Claimed): Promise<void> {
    // The file was checked at upload; parsing it again gives the same rows in the same order.
    const rows = parseProductCsv(Buffer.from(job.content, 'utf8'));
    const first = firstLines(rows);
    let next = job.nextRow;
    while (next < rows.length) {
      if (this.stopping) {
        await this.handBack(job.id);
        return;
      }
      const batch = rows.slice(next, next + this.settings.batchSize);
      const applied = await this.dataSource.transaction((manager) =>
        this.applyBatch(manager, job.id, next, batch, first, rows.length),
      );
      if (applied === 'lost') {
        this.logger.warn({ jobId: job.id }, 'import job was taken over by another worker');
        return;
      }
      await this.products.forget(applied.changed);
      next += batch.length;
    }
    this.logger.log({ jobId: job.id }, 'import job finished');
  }

  private async applyBatch(
    manager: EntityManager,
    jobId: string,
    start: number,
    batch: readonly CsvRow[],
    first: ReadonlyMap<string, number>,
    totalRows: number,
  ): Promise<{ changed: string[] } | 'lost'> {
    const job = await manager.findOne(ImportJobRecord, {
      where: { id: jobId },
      select: {
        id: true,
        status: true,
        leaseOwner: true,
        nextRow: true,
        createdCount: true,
        updatedCount: true,
        failedCount: true,
        errors: true,
      },
      lock: { mode: 'pessimistic_write' },
    });
    // Only the leaseholder may go on, and only from where the job says it stands.
    if (job?.status !== 'RUNNING' || job.leaseOwner !== this.id || job.nextRow !== start) {
      return 'lost';
    }
    const changed: string[] = [];
    const errors: ImportRowError[] = [];
    let created = 0;
    let updated = 0;
    for (const row of batch) {
      const checked = validateRow(row, first);
      if (!checked.valid) {
        errors.push(checked.error);
        continue;
      }
      const { product } = checked;
      const [saved] = await manager.query<{ id: string; inserted: boolean }[]>(
        `INSERT INTO products (id, sku, name, description, price_cents, currency, stock)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sku) WHERE deleted_at IS NULL DO UPDATE SET
           name = EXCLUDED.name, description = EXCLUDED.description,
           price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency,
           stock = EXCLUDED.stock, updated_at = now()
         RETURNING id, (xmax = 0) AS inserted`,
        [
          randomUUID(),
          product.sku,
          product.name,
          product.description,
          product.priceCents,
          product.currency,
          product.stock,
        ],
      );
      if (!saved) throw new Error(`row ${row.line} was neither inserted nor updated`);
      if (saved.inserted) created += 1;
      else updated += 1;
      changed.push(saved.id);
      await this.outbox.enqueue(
        manager,
        ProductChanged,
        newEvent(ProductChanged, {
          productId: saved.id,
          change: saved.inserted ? 'CREATED' : 'UPDATED',
        }),
      );
    }
    const nextRow = start + batch.length;
    const done = nextRow >= totalRows;
    await manager.update(
      ImportJobRecord,
      { id: jobId },
      {
        nextRow,
        createdCount: job.createdCount + created,
        updatedCount: job.updatedCount + updated,
        failedCount: job.failedCount + errors.length,
        errors: [...job.errors, ...errors].slice(0, MAX_STORED_ERRORS),
        ...(done
          ? { status: 'SUCCEEDED', leaseOwner: null, leaseUntil: null, finishedAt: () => 'now()' }
          : { leaseUntil: this.leaseEnd() }),
      },
    );
    return { changed };
  }

  /** Lets another worker take the job now rather than when the lease runs out. */
  private async handBack(jobId: string): Promise<void> {
    await this.dataSource
      .getRepository(ImportJobRecord)
      .update({ id: jobId, leaseOwner: this.id }, { leaseUntil: () => 'now()' });
  }

  /** Lease ends are on the database's clock, the one every replica compares them with. */
  private leaseEnd(): () => string {
    return () => `now() + interval '${Math.trunc(this.settings.leaseMs)} milliseconds'`;
  }
}
