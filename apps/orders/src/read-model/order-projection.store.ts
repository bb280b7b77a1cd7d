import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { OrderEvent } from '../domain/order-events.js';
import { OrderView } from './order-view.entity.js';
import type { OrderViewRow, StoredOrderEvent } from './order-view.projection.js';

export const ORDER_VIEWS_PROJECTION = 'order_views';

/** Where the projection stands in the store: events up to here are in the read model. */
export const Checkpoint = z.object({ txId: z.string(), position: z.string() });
export type Checkpoint = z.infer<typeof Checkpoint>;

export const START: Checkpoint = { txId: '0', position: '0' };

const Position = z.object({ stream_id: z.string(), tx_id: z.string(), position: z.string() });

const EventRow = z.object({
  stream_id: z.string(),
  version: z.number().int(),
  type: z.string(),
  data: z.unknown(),
  occurred_at: z.date(),
});

/** The projector's SQL, each statement run through the EntityManager of its transaction. */
@Injectable()
export class OrderProjectionStore {
  /**
   * Locks the projection's checkpoint row for this transaction: one projector works at a time
   * (per database, whatever the number of replicas). `wait: false` skips the turn instead.
   */
  async lockCheckpoint(manager: EntityManager, wait: boolean): Promise<Checkpoint | undefined> {
    const rows: unknown = await manager.query(
      `SELECT tx_id::text AS "txId", position::text AS position
         FROM projection_checkpoints WHERE name = $1
        FOR UPDATE ${wait ? '' : 'SKIP LOCKED'}`,
      [ORDER_VIEWS_PROJECTION],
    );
    return z.array(Checkpoint).parse(rows)[0];
  }

  async saveCheckpoint(manager: EntityManager, checkpoint: Checkpoint): Promise<void> {
    await manager.query(
      `UPDATE projection_checkpoints SET tx_id = $2::xid8, position = $3, updated_at = now()
        WHERE name = $1`,
      [ORDER_VIEWS_PROJECTION, checkpoint.txId, checkpoint.position],
    );
  }

  /**
   * The next events after the checkpoint, in (transaction, position) order, from committed
   * transactions only, and only from transactions older than every one still running: no
   * event can appear behind a checkpoint taken from this list later.
   */
  async eventsAfter(
    manager: EntityManager,
    checkpoint: Checkpoint,
    limit: number,
  ): Promise<{ streamIds: string[]; last: Checkpoint | undefined }> {
    const rows: unknown = await manager.query(
      `SELECT stream_id, tx_id::text AS tx_id, position::text AS position
         FROM order_events
        WHERE (tx_id, position) > ($1::xid8, $2::bigint)
          AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id, position
        LIMIT $3`,
      [checkpoint.txId, checkpoint.position, limit],
    );
    const positions = z.array(Position).parse(rows);
    const last = positions.at(-1);
    return {
      streamIds: [...new Set(positions.map((row) => row.stream_id))],
      last: last && { txId: last.tx_id, position: last.position },
    };
  }

  async views(manager: EntityManager, streamIds: readonly string[]): Promise<OrderView[]> {
    if (streamIds.length === 0) return [];
    return manager
      .getRepository(OrderView)
      .createQueryBuilder('view')
      .where('view.id = ANY(:ids)', { ids: streamIds })
      .getMany();
  }

  /**
   * Every committed event of these streams newer than their views, in stream order. Reading
   * the whole tail of each stream (rather than only the events in the batch) keeps each view
   * in version order even when a later version came from a transaction with a smaller id.
   */
  async newerEvents(
    manager: EntityManager,
    streamIds: readonly string[],
  ): Promise<StoredOrderEvent[]> {
    if (streamIds.length === 0) return [];
    const rows: unknown = await manager.query(
      `SELECT e.stream_id, e.version, e.type, e.data, e.occurred_at
         FROM order_events e
         LEFT JOIN order_views v ON v.id = e.stream_id
        WHERE e.stream_id = ANY($1::uuid[]) AND e.version > coalesce(v.version, 0)
        ORDER BY e.stream_id, e.version`,
      [streamIds],
    );
    return z
      .array(EventRow)
      .parse(rows)
      .map((row) => ({
        streamId: row.stream_id,
        version: row.version,
        occurredAt: row.occurred_at,
        event: OrderEvent.parse({ type: row.type, data: row.data }),
      }));
  }

  async saveViews(manager: EntityManager, views: readonly OrderViewRow[]): Promise<void> {
    if (views.length === 0) return;
    await manager.upsert(OrderView, [...views], ['id']);
  }

  async deleteAllViews(manager: EntityManager): Promise<number> {
    const result: unknown = await manager.query(`DELETE FROM order_views`);
    return z.tuple([z.array(z.unknown()), z.number()]).parse(result)[1];
  }

  /** The version of an order's view, or 0 when it is not projected yet. */
  async viewVersion(manager: EntityManager, orderId: string): Promise<number> {
    const rows: unknown = await manager.query(`SELECT version FROM order_views WHERE id = $1`, [
      orderId,
    ]);
    return z.array(z.object({ version: z.number() })).parse(rows)[0]?.version ?? 0;
  }
}
