import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments answered by webhook and voided by the saga: a payment is PENDING until the
 * provider's callback, may be VOIDED, and has no provider reference while the provider has
 * not been asked yet. The simulated provider keeps its own books next to them.
 */
export class AddPaymentVoidsAndSimulatedProvider1764200000000 implements MigrationInterface {
  name = 'AddPaymentVoidsAndSimulatedProvider1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await db.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_status_check
        CHECK (status IN ('PENDING', 'AUTHORIZED', 'DECLINED', 'VOIDED'))`);
    await db.query(`ALTER TABLE payments ALTER COLUMN provider_reference DROP NOT NULL`);
    await db.query(`ALTER TABLE payments ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await db.query(`
      CREATE TABLE simulated_provider_authorizations (
        reference text PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        amount_cents integer NOT NULL,
        currency char(3) NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('authorized', 'declined')),
        callback_id uuid NOT NULL,
        callback_due_at timestamptz NOT NULL,
        callback_claimed_until timestamptz,
        callback_attempts integer NOT NULL DEFAULT 0,
        callback_last_error text,
        callback_delivered_at timestamptz,
        voided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The dispatcher only ever looks for owed callbacks by due time.
    await db.query(`
      CREATE INDEX simulated_provider_owed_callbacks_idx
        ON simulated_provider_authorizations (callback_due_at)
        WHERE callback_delivered_at IS NULL AND voided_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE simulated_provider_authorizations`);
    await db.query(`ALTER TABLE payments DROP COLUMN updated_at`);
    await db.query(`DELETE FROM payments WHERE status IN ('PENDING', 'VOIDED')`);
    await db.query(`ALTER TABLE payments ALTER COLUMN provider_reference SET NOT NULL`);
    await db.query(`ALTER TABLE payments DROP CONSTRAINT payments_status_check`);
    await db.query(
      `ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN ('AUTHORIZED', 'DECLINED'))`,
    );
  }
}
