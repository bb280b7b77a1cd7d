import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrdersTables1764100000000 implements MigrationInterface {
  name = 'CreateOrdersTables1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE order_events (
        stream_id uuid NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        event_id uuid NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        PRIMARY KEY (stream_id, version)
      )`);
    await db.query(`CREATE UNIQUE INDEX order_events_event_id_key ON order_events (event_id)`);
    await db.query(`
      CREATE TABLE order_views (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        status text NOT NULL,
        reason text,
        items jsonb NOT NULL,
        total_cents integer,
        currency char(3),
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX order_views_customer_created_idx ON order_views (customer_id, created_at)`,
    );
    await db.query(`
      CREATE TABLE idempotency_keys (
        customer_id uuid NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE idempotency_keys`);
    await db.query(`DROP TABLE order_views`);
    await db.query(`DROP TABLE order_events`);
  }
}
