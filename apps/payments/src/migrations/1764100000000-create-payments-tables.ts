import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePaymentsTables1764100000000 implements MigrationInterface {
  name = 'CreatePaymentsTables1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        amount_cents integer NOT NULL CHECK (amount_cents > 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('AUTHORIZED', 'DECLINED')),
        provider_reference text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX payments_order_id_key ON payments (order_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE payments`);
  }
}
