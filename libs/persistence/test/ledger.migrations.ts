import type { MigrationInterface, QueryRunner } from 'typeorm';

// Test fixtures: hand-written SQL, as in the services, that must run unchanged on PostgreSQL
// and PGlite. The second one fails if it is ever applied twice (the column already exists).

export class CreateLedgerEntries1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account text NOT NULL,
        amount_cents integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ledger_entries');
  }
}

export class AddLedgerEntryMemo1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ledger_entries ADD COLUMN memo text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ledger_entries DROP COLUMN memo');
  }
}

export const ledgerMigrations = [CreateLedgerEntries1700000000000, AddLedgerEntryMemo1700000000001];
