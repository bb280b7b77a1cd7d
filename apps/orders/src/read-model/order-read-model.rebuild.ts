import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { projectNextBatch } from './order.projector.js';
import { OrderProjectionStore, START } from './order-projection.store.js';

export interface RebuildReport {
  /** Views dropped before the replay. */
  readonly removed: number;
  readonly events: number;
  readonly orders: number;
}

const BATCH = 1_000;

/**
 * Drops the read model and projects it again from every event in the store, in one
 * transaction: readers keep seeing the old views until the new ones commit (no moment with an
 * empty or half-built read model), and the live projectors wait on the checkpoint meanwhile.
 * For a very large store one would build into a new table and swap it in instead; the fold
 * is the same.
 */
@Injectable()
export class OrderReadModelRebuild {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: OrderProjectionStore,
  ) {}

  rebuild(): Promise<RebuildReport> {
    return this.dataSource.transaction(async (manager) => {
      await this.store.lockCheckpoint(manager, true);
      const removed = await this.store.deleteAllViews(manager);
      let checkpoint = START;
      let events = 0;
      for (;;) {
        const batch = await projectNextBatch(this.store, manager, checkpoint, BATCH);
        if (!batch) break;
        checkpoint = batch.checkpoint;
        events += batch.events;
      }
      await this.store.saveCheckpoint(manager, checkpoint);
      const counted: unknown = await manager.query(
        `SELECT count(*)::int AS count FROM order_views`,
      );
      const count = z.array(z.object({ count: z.number() })).parse(counted)[0]?.count ?? 0;
      return { removed, events, orders: count };
    });
  }
}
