import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCatalogTables1764100000000 implements MigrationInterface {
  name = 'CreateCatalogTables1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        sku text NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        currency char(3) NOT NULL,
        stock integer NOT NULL CHECK (stock >= 0),
        image_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', name || ' ' || description)
        ) STORED
      )`);
    await db.query(`CREATE UNIQUE INDEX products_sku_key ON products (sku)`);
    await db.query(`CREATE INDEX products_search_idx ON products USING gin (search)`);
    await db.query(`CREATE INDEX products_name_idx ON products (name, id)`);
    await db.query(`
      CREATE TABLE stock_reservations (
        order_id uuid PRIMARY KEY,
        items jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('RESERVED', 'RELEASED')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE stock_reservations`);
    await db.query(`DROP TABLE products`);
  }
}
