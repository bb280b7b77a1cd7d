import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';

/** An outbox row the relay has claimed: everything needed to publish it. */
export const PendingOutboxRow = z.object({
  // bigint comes back from pg as a string: compare and sort it as such only in SQL.
  id: z.string(),
  topic: z.string(),
  key: z.string(),
  payload: z.record(z.string(), z.unknown()),
  headers: z.record(z.string(), z.string()),
});
export type PendingOutboxRow = z.infer<typeof PendingOutboxRow>;

/**
 * Any fixed number works: it only has to be the same in every replica of a service and used
 * for nothing else in its database.
 */
export const OUTBOX_RELAY_LOCK = '7303714105116';

/** The relay's SQL, each statement run through the EntityManager of the relay's transaction. */
@Injectable()
export class OutboxStore {
  /**
   * Takes the relay lock and, if this transaction got it, the oldest unpublished rows, locked
   * until the transaction ends: one statement, one round trip (it was two, on every pass of
   * every relay). The lock is transaction-scoped and advisory: while one relay holds it, the
   * others skip their turn instead of waiting, and it goes with the commit or rollback (also
   * when the process dies, with its connection).
   */
  async claimBatch(
    manager: EntityManager,
    limit: number,
  ): Promise<PendingOutboxRow[] | 'locked-elsewhere'> {
    const rows: unknown = await manager.query(
      `WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($1::bigint) AS locked)
       SELECT lock.locked, pending.id, pending.topic, pending.key, pending.payload, pending.headers
         FROM lock
         LEFT JOIN LATERAL (
              SELECT id, topic, key, payload, headers
                FROM outbox
               WHERE lock.locked AND published_at IS NULL
               ORDER BY id
               LIMIT $2
                 FOR UPDATE SKIP LOCKED) pending ON true`,
      [OUTBOX_RELAY_LOCK, limit],
    );
    const claimed = z
      .array(z.object({ locked: z.boolean(), id: z.string().nullable() }).loose())
      .parse(rows);
    if (claimed[0]?.locked !== true) return 'locked-elsewhere';
    return z.array(PendingOutboxRow).parse(claimed.filter((row) => row.id !== null));
  }

  async markPublished(manager: EntityManager, ids: readonly string[]): Promise<void> {
    await manager.query(
      `UPDATE outbox
          SET published_at = now(), attempts = attempts + 1, last_error = NULL
        WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  async recordFailure(
    manager: EntityManager,
    ids: readonly string[],
    error: string,
  ): Promise<void> {
    await manager.query(
      'UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])',
      [ids, error.slice(0, 2_000)],
    );
  }

  /** Rows waiting to be published, for the backlog gauge. */
  async countUnpublished(manager: EntityManager): Promise<number> {
    const rows: unknown = await manager.query(
      'SELECT count(*)::int AS backlog FROM outbox WHERE published_at IS NULL',
    );
    return z.array(z.object({ backlog: z.number() })).parse(rows)[0]?.backlog ?? 0;
  }

  /** Whether the outbox table exists: a service that forgot the migration should hear so. */
  async tableExists(manager: EntityManager): Promise<boolean> {
    const rows: unknown = await manager.query(
      "SELECT to_regclass('outbox') IS NOT NULL AS present",
    );
    return z.array(z.object({ present: z.boolean() })).parse(rows)[0]?.present === true;
  }
}
