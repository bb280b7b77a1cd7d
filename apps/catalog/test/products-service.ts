import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { MemoryCacheStore, MemoryPubSub } from '#atlas/cache';
import { OutboxService } from '#atlas/messaging';
import { ServiceMetrics } from '#atlas/observability';
import { LocalDiskImageStorage } from '../src/images/local-disk.image-storage.js';
import { ProductCache } from '../src/products/product-cache.js';
import { ProductsService } from '../src/products/products.service.js';

/** The real ProductsService on a test database, with a memory cache and a temporary image folder. */
export async function productsServiceOn(dataSource: DataSource): Promise<ProductsService> {
  const cache = new ProductCache(
    new MemoryCacheStore({ keyPrefix: 'catalog-test' }),
    new MemoryPubSub({ namespace: `catalog-test-${randomUUID()}` }),
    60_000,
    new ServiceMetrics('catalog'),
  );
  const images = await LocalDiskImageStorage.open(await mkdtemp(join(tmpdir(), 'catalog-test-')));
  return new ProductsService(dataSource, cache, new OutboxService(), images);
}
