import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { MAX_PRODUCT_LOOKUP_IDS, ProductLookupQuery } from '#atlas/contracts';
import { createTestDatabase, type TestDatabase } from '#atlas/testing';
import { openCatalogDataSource } from '../../test/catalog-data-source.js';
import { productsServiceOn } from '../../test/products-service.js';
import type { ProductsService } from './products.service.js';

describe('looking products up by id in one call (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let products: ProductsService;

  beforeAll(async () => {
    db = await createTestDatabase('catalog_lookup');
    dataSource = await openCatalogDataSource(db.url, db.kind);
    products = await productsServiceOn(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const add = (name: string) =>
    products.create({
      sku: `L-${randomUUID().slice(0, 8)}`,
      name,
      description: '',
      priceCents: 100,
      currency: 'EUR',
      stock: 1,
    });

  it('returns every known product asked for, and leaves unknown and archived ids out', async () => {
    const lantern = await add('Lantern');
    const stove = await add('Stove');
    const archived = await add('Old tent');
    await dataSource.query('UPDATE products SET deleted_at = now() WHERE id = $1', [archived.id]);

    const found = await products.lookup([lantern.id, randomUUID(), stove.id, archived.id]);

    expect(found.items.map((item) => item.id).sort()).toEqual([lantern.id, stove.id].sort());
    expect(found.items.find((item) => item.id === lantern.id)).toEqual(lantern);
  });

  it('takes ids as one comma-separated list, counts repeats once and caps the batch', () => {
    const id = randomUUID();
    expect(ProductLookupQuery.parse({ ids: `${id}, ${id}` }).ids).toEqual([id]);
    const tooMany = Array.from({ length: MAX_PRODUCT_LOOKUP_IDS + 1 }, () => randomUUID());
    expect(ProductLookupQuery.safeParse({ ids: tooMany.join(',') }).success).toBe(false);
    expect(ProductLookupQuery.safeParse({ ids: '' }).success).toBe(false);
    expect(ProductLookupQuery.safeParse({ ids: 'not-a-uuid' }).success).toBe(false);
  });
});
