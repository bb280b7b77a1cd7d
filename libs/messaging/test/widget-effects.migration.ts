import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Test fixture: the table a widget handler writes its effect to. No unique constraint on
 * purpose: an event applied twice shows up as two rows.
 */
export class CreateWidgetEffects1764000000001 implements MigrationInterface {
  readonly name = 'CreateWidgetEffects1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE widget_effects (
        event_id text NOT NULL,
        widget_id text NOT NULL,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widget_effects');
  }
}
