import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product editing, images and CSV imports: products can be archived (kept for the orders that
 * refer to them, hidden from everyone else), carry an uploaded image, and be imported in
 * background jobs.
 */
export class AddCatalogAdminTables1764200000000 implements MigrationInterface {
  name = 'AddCatalogAdminTables1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE products
        ADD COLUMN deleted_at timestamptz,
        ADD COLUMN image_key text,
        ADD COLUMN image_content_type text`);
    // An archived product gives its SKU back: a new product (or an import) may reuse it.
    await db.query(`DROP INDEX products_sku_key`);
    await db.query(
      `CREATE UNIQUE INDEX products_sku_key ON products (sku) WHERE deleted_at IS NULL`,
    );
    // "Has any order reserved this product?" decides between removing and archiving it.
    await db.query(
      `CREATE INDEX stock_reservations_items_idx ON stock_reservations USING gin (items jsonb_path_ops)`,
    );
    await db.query(`
      CREATE TABLE import_jobs (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
        file_name text,
        content text NOT NULL,
        total_rows integer NOT NULL CHECK (total_rows >= 0),
        next_row integer NOT NULL DEFAULT 0,
        created_count integer NOT NULL DEFAULT 0,
        updated_count integer NOT NULL DEFAULT 0,
        failed_count integer NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        failure text,
        attempts integer NOT NULL DEFAULT 0,
        lease_owner uuid,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX import_jobs_runnable_idx ON import_jobs (created_at) WHERE status IN ('QUEUED', 'RUNNING')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE import_jobs`);
    await db.query(`DROP INDEX stock_reservations_items_idx`);
    await db.query(`DROP INDEX products_sku_key`);
    await db.query(`CREATE UNIQUE INDEX products_sku_key ON products (sku)`);
    await db.query(`
      ALTER TABLE products
        DROP COLUMN image_content_type,
        DROP COLUMN image_key,
        DROP COLUMN deleted_at`);
  }
}
