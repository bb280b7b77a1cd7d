import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables, in plain SQL that runs unchanged on PostgreSQL and PGlite.
 * Services get it through `messagingTables`, beside their own migrations; its timestamp puts it
 * before theirs. TypeORM records it by name: databases already migrated know it as
 * CreateMessagingTables1764000000000, so the name stays.
 */
export class CreateMessagingTables1764000000000 implements MigrationInterface {
  readonly name = 'CreateMessagingTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text NULL
      )`);
    // The relay only ever reads unpublished rows in id order: a partial index stays small
    // however many published rows pile up.
    await queryRunner.query(
      'CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL',
    );
    await queryRunner.query(`
      CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    // For pruning old rows (older than any possible redelivery) by age.
    await queryRunner.query('CREATE INDEX inbox_processed_at_idx ON inbox (processed_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inbox');
    await queryRunner.query('DROP TABLE outbox');
  }
}
