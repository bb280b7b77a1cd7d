import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model becomes a projection of its own, and the saga keeps its state and deadlines.
 *
 * Every event gets the id of the transaction that wrote it (`tx_id`) and a global `position`.
 * The projector reads events in (tx_id, position) order, but only from transactions older than
 * every transaction still running (`pg_snapshot_xmin`): positions are handed out at insert,
 * not at commit, so without that guard a slow transaction could commit an event behind the
 * projector's checkpoint, where it would never be seen.
 */
export class SeparateReadModelAndSagaState1764200000000 implements MigrationInterface {
  name = 'SeparateReadModelAndSagaState1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE order_events ADD COLUMN position bigserial`);
    await db.query(
      `ALTER TABLE order_events ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id()`,
    );
    await db.query(`CREATE INDEX order_events_tx_position_idx ON order_events (tx_id, position)`);
    await db.query(`
      CREATE TABLE projection_checkpoints (
        name text PRIMARY KEY,
        tx_id xid8 NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // From the start: the projection checks each view's version, so replaying what is
    // already projected changes nothing.
    await db.query(
      `INSERT INTO projection_checkpoints (name, tx_id, position) VALUES ('order_views', '0', 0)`,
    );
    await db.query(`
      CREATE TABLE order_sagas (
        order_id uuid PRIMARY KEY,
        step text NOT NULL CHECK (step IN ('AWAITING_STOCK', 'AWAITING_PAYMENT', 'DONE')),
        deadline_at timestamptz,
        claimed_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((step = 'DONE') = (deadline_at IS NULL))
      )`);
    await db.query(
      `CREATE INDEX order_sagas_deadline_idx ON order_sagas (deadline_at) WHERE deadline_at IS NOT NULL`,
    );
    // Orders already in flight get a saga with a generous deadline.
    await db.query(`
      INSERT INTO order_sagas (order_id, step, deadline_at)
      SELECT id,
             CASE status WHEN 'PENDING' THEN 'AWAITING_STOCK'
                         WHEN 'STOCK_RESERVED' THEN 'AWAITING_PAYMENT'
                         ELSE 'DONE' END,
             CASE WHEN status IN ('PENDING', 'STOCK_RESERVED') THEN now() + interval '10 minutes' END
        FROM order_views`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE order_sagas`);
    await db.query(`DROP TABLE projection_checkpoints`);
    await db.query(`ALTER TABLE order_events DROP COLUMN tx_id`);
    await db.query(`ALTER TABLE order_events DROP COLUMN position`);
  }
}
