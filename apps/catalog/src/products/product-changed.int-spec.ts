import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { startService, type RunningService } from '#atlas/bootstrap';
import { newEvent, ProductChanged } from '#atlas/contracts';
import { EmbeddedBroker } from '#atlas/messaging';
import { createTestDatabase, type TestDatabase, freePort } from '#atlas/testing';
import { catalogApp } from '../catalog.app.js';
import { ProductsService } from './products.service.js';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const quiet = { log() {}, warn() {}, error() {} };

let database: TestDatabase;
let images: string;
let broker: EmbeddedBroker;
let catalog: RunningService;

beforeEach(async () => {
  database = await createTestDatabase('catalog_events');
  images = await mkdtemp(join(tmpdir(), 'catalog-events-'));
  broker = new EmbeddedBroker({ logger: quiet });
  catalog = await startService(catalogApp, {
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: String(await freePort()),
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: database.kind === 'embedded' ? '1' : '5',
      ATLAS_BROKER: 'embedded',
      ATLAS_CACHE: 'memory',
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      CATALOG_SEED_DEMO: 'false',
      // Far longer than the test: only an invalidation can make it read the product again.
      CATALOG_CACHE_TTL_MS: '3600000',
      CATALOG_IMAGE_DIR: images,
    },
    broker,
    logDestination: silent,
  });
});

afterEach(async () => {
  await catalog.close();
  await broker.close();
  await database.drop();
  await rm(images, { recursive: true, force: true });
});

/** A product written straight to the table: no event, no invalidation, as if by another writer. */
async function insertProduct(name: string): Promise<string> {
  const id = randomUUID();
  await catalog.app
    .get(DataSource)
    .query(
      `INSERT INTO products (id, sku, name, price_cents, currency, stock) VALUES ($1, $2, $3, 1000, 'EUR', 5)`,
      [id, `EVT-${id.slice(0, 8)}`, name],
    );
  return id;
}

describe('cache invalidation driven by ProductChanged', () => {
  it('drops a cached product when its ProductChanged event arrives, though the writer never told the cache', async () => {
    const products = catalog.app.get(ProductsService);
    const id = await insertProduct('Before');
    expect((await products.get(id)).name).toBe('Before');

    // A replica changed the row, but could not drop it from the caches (Redis was down then).
    const db = catalog.app.get(DataSource);
    await db.query(`UPDATE products SET name = 'After' WHERE id = $1`, [id]);
    expect((await products.get(id)).name).toBe('Before');

    // Its event, committed with the change, still comes through the broker.
    const event = newEvent(ProductChanged, { productId: id, change: 'UPDATED' });
    await broker.send({
      topic: ProductChanged.topic,
      messages: [{ key: id, value: JSON.stringify(event) }],
    });

    const deadline = Date.now() + 20_000;
    let name = (await products.get(id)).name;
    while (name !== 'After' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      name = (await products.get(id)).name;
    }
    expect(name).toBe('After');
  });
});
