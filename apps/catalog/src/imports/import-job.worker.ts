import { Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { newEvent, ProductChanged, type ImportRowError } from '#atlas/contracts';
import { OutboxService } from '#atlas/messaging';
import { DatabaseNotifications, msFromNow } from '#atlas/persistence';
import { PollingSettings, PollingWorker } from '#atlas/worker';
import { ProductsService } from '../products/products.service.js';
import { ImportJobRecord } from './import-job.entity.js';
import { type ClaimedImportJob, ImportJobStore } from './import-job.store.js';
import { firstLines, parseProductCsv, validateRow, type CsvRow } from './product-csv.js';

/**
 * The worker's settings, injected by this class (`{ provide: ImportWorkerSettings, useValue }`).
 * Submitting a job wakes the worker; `intervalMs` is how often an idle one looks anyway (jobs
 * submitted to another replica, or whose worker died).
 */
export abstract class ImportWorkerSettings extends PollingSettings {
  /** How long a job stays with its worker without news; then another worker may take it. */
  abstract readonly leaseMs: number;
  /** Rows per transaction: the unit of progress, and of what a crash redoes. */
  abstract readonly batchSize: number;
  /** A job that took this many workers down is failed instead of tried again. */
  abstract readonly maxAttempts: number;
}

export const DEFAULT_IMPORT_WORKER: ImportWorkerSettings = {
  enabled: true,
  intervalMs: 5_000,
  maxBackoffMs: 30_000,
  leaseMs: 30_000,
  batchSize: 100,
  maxAttempts: 5,
};

/** Row errors kept with a job; `failed` still counts every one. */
const MAX_STORED_ERRORS = 500;

/**
 * Runs CSV imports in the background, in every catalog replica. A job is taken with
 * `FOR UPDATE SKIP LOCKED` and a lease, so one worker runs it at a time; each batch of rows is
 * applied, counted and its ProductChanged events enqueued in one transaction that also moves
 * the job's `nextRow`. A worker that dies (or a replica that restarts) leaves its lease to
 * expire, and the next worker carries on from the last committed batch.
 */
@Injectable()
export class ImportJobWorker extends PollingWorker<boolean> {
  /** This worker's name on the leases it takes. */
  readonly id = randomUUID();
  private readonly jobs = new ImportJobStore();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly products: ProductsService,
    private readonly settings: ImportWorkerSettings,
    @Optional() database?: DatabaseNotifications,
  ) {
    super(ImportJobWorker.name, 'running an import batch', database);
  }

  protected get polling(): ImportWorkerSettings {
    return this.settings;
  }

  /**
   * Takes one runnable job and works on it; false when there was none. Stopping interrupts
   * it between batches and hands the job's lease back, so another replica goes on at once.
   */
  async runOnce(): Promise<boolean> {
    const claim = await this.dataSource.transaction((manager) =>
      this.jobs.claimNext(manager, this.id, this.settings),
    );
    switch (claim.kind) {
      case 'none':
        return false;
      case 'given-up':
        this.logger.error({ jobId: claim.jobId, attempts: claim.attempts }, 'import job given up');
        return true;
      case 'claimed':
        this.logger.log({ jobId: claim.job.id, fromRow: claim.job.nextRow }, 'import job taken');
        await this.work(claim.job);
        return true;
      default: {
        const unknown: never = claim;
        throw new Error(`Unknown claim ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** A job was worked on: another may be waiting. */
  protected hasMore(worked: boolean): boolean {
    return worked;
  }

  private async work(job: ClaimedImportJob): Promise<void> {
    // The file was checked at upload; parsing it again gives the same rows in the same order.
    const rows = parseProductCsv(Buffer.from(job.content, 'utf8'));
    const first = firstLines(rows);
    let next = job.nextRow;
    while (next < rows.length) {
      if (this.stopping) {
        await this.jobs.handBack(this.dataSource.manager, job.id, this.id);
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
          : { leaseUntil: msFromNow(this.settings.leaseMs) }),
      },
    );
    return { changed };
  }
}
