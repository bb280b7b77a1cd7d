import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotificationsTables1764100000000 implements MigrationInterface {
  name = 'CreateNotificationsTables1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        customer_id uuid NOT NULL,
        order_id uuid NOT NULL,
        status text NOT NULL,
        reason text,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX notifications_customer_idx ON notifications (customer_id, occurred_at DESC)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE notifications`);
  }
}
