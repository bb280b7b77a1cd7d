import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#atlas/testing';
import { openCatalogDataSource } from '../../test/catalog-data-source.js';
import { productsServiceOn } from '../../test/products-service.js';
import type { ProductsService } from './products.service.js';

describe('full-text product search (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let products: ProductsService;

  beforeAll(async () => {
    db = await createTestDatabase('catalog_search');
    dataSource = await openCatalogDataSource(db.url, db.kind);
    products = await productsServiceOn(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const add = (name: string, description: string) =>
    products.create({
      sku: `S-${randomUUID().slice(0, 8)}`,
      name,
      description,
      priceCents: 100,
      currency: 'EUR',
      stock: 1,
    });

  it('ranks products matching more of the query first, and leaves archived ones out', async () => {
    const word = `alpine${randomUUID().slice(0, 6)}`;
    const once = await add('Day pack', `A ${word} pack.`);
    const twice = await add(`${word} lantern`, `The ${word} lantern, bright.`);
    const archived = await add(`${word} stove`, 'Discontinued.');
    await dataSource.query('UPDATE products SET deleted_at = now() WHERE id = $1', [archived.id]);

    const found = await products.list({ q: word, page: 1, limit: 10 });

    expect(found.items.map((item) => item.id)).toEqual([twice.id, once.id]);
    expect(found.total).toBe(2);
  });

  it('is served by the GIN index on the generated search column', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      // With a handful of rows a sequential scan is cheaper; forbid it to see the index used.
      await runner.query('SET enable_seqscan = off');
      const plan: { 'QUERY PLAN': string }[] = await runner.query(
        `EXPLAIN SELECT id FROM products WHERE search @@ websearch_to_tsquery('simple', 'lantern')`,
      );
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('products_search_idx');
    } finally {
      await runner.query('RESET enable_seqscan');
      await runner.release();
    }
  });
});
