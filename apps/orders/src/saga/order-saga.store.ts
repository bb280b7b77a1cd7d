import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Order } from '../domain/order.js';
import {
  deadlineFor,
  SAGA_TIMEOUTS,
  sagaStepOf,
  type SagaTimeouts,
  type WaitingStep,
} from './order-saga-step.js';

const DueSaga = z.object({
  order_id: z.string(),
  step: z.enum(['AWAITING_STOCK', 'AWAITING_PAYMENT']),
});
export type DueSaga = { readonly orderId: string; readonly step: WaitingStep };

/** TypeORM answers an UPDATE with `[returned rows, affected count]`. */
const UpdateResult = z.tuple([z.array(z.unknown()), z.number()]);

/**
 * The saga's persisted state, one row per order in `order_sagas`: its step and the deadline
 * of that step. Written in the transaction that moves the order, so the two never disagree.
 */
@Injectable()
export class OrderSagaStore {
  private readonly deadlineListeners = new Set<(at: Date) => void>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SAGA_TIMEOUTS) private readonly timeouts: SagaTimeouts,
  ) {}

  /** Records the step the order is now at, with a fresh deadline (none once it is over). */
  async track(manager: EntityManager, order: Order, now = new Date()): Promise<void> {
    const step = sagaStepOf(order.status);
    const deadline = deadlineFor(step, this.timeouts, now);
    await manager.query(
      `INSERT INTO order_sagas (order_id, step, deadline_at, claimed_until, updated_at)
       VALUES ($1, $2, $3, NULL, $4)
       ON CONFLICT (order_id) DO UPDATE
         SET step = EXCLUDED.step, deadline_at = EXCLUDED.deadline_at,
             claimed_until = NULL, updated_at = EXCLUDED.updated_at`,
      [order.id, step, deadline, now],
    );
    if (deadline) for (const listener of this.deadlineListeners) listener(deadline);
  }

  /** Calls `listener` with each deadline this process sets; returns the way to stop. */
  onDeadline(listener: (at: Date) => void): () => void {
    this.deadlineListeners.add(listener);
    return () => void this.deadlineListeners.delete(listener);
  }

  /** The earliest deadline still ahead, whichever replica set it. */
  async nextDeadline(): Promise<Date | undefined> {
    const rows: unknown = await this.dataSource.query(
      `SELECT min(deadline_at) AS at FROM order_sagas WHERE deadline_at > now()`,
    );
    const at = z.array(z.object({ at: z.date().nullable() })).parse(rows)[0]?.at;
    return at ?? undefined;
  }

  /**
   * Leases the sagas whose deadline has passed to this replica for `leaseMs`: `SKIP LOCKED`
   * and the lease keep two replicas' schedulers off the same order, and a replica that dies
   * holding a lease only delays that order's timeout until the lease runs out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DueSaga[]> {
    const result: unknown = await this.dataSource.query(
      `UPDATE order_sagas SET claimed_until = now() + make_interval(secs => $2)
        WHERE order_id IN (
              SELECT order_id FROM order_sagas
               WHERE deadline_at <= now()
                 AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY deadline_at
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
        RETURNING order_id, step`,
      [limit, leaseMs / 1000],
    );
    return z
      .array(DueSaga)
      .parse(UpdateResult.parse(result)[0])
      .map((row) => ({ orderId: row.order_id, step: row.step }));
  }

  /** Gives a claimed saga back at once, so the next round retries it (after a conflict). */
  async release(orderId: string): Promise<void> {
    await this.dataSource.query(`UPDATE order_sagas SET claimed_until = NULL WHERE order_id = $1`, [
      orderId,
    ]);
  }
}
