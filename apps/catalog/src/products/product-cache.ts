import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Product, ProductList, ProductQuery } from '#atlas/contracts';
import { CacheStore, PubSub, TwoLevelCache } from '#atlas/cache';
import { ServiceMetrics } from '#atlas/observability';

export const PRODUCT_CACHE_TTL_MS = Symbol('PRODUCT_CACHE_TTL_MS');

const LIST_PREFIX = 'products:list:';

/**
 * Product reads, cached in two levels (this process, then Redis). A change to a product drops
 * it and every cached list, here, in Redis and on every other replica: first right after the
 * change commits (so the writer reads its own write), then again when its ProductChanged event
 * comes back through Kafka, which also catches a replica that cached an old read in between.
 */
@Injectable()
export class ProductCache implements OnModuleInit, OnModuleDestroy {
  private readonly cache: TwoLevelCache;

  constructor(
    shared: CacheStore,
    pubSub: PubSub,
    @Inject(PRODUCT_CACHE_TTL_MS) private readonly ttlMs: number,
    metrics: ServiceMetrics,
  ) {
    this.cache = new TwoLevelCache(shared, pubSub, {
      name: 'products',
      registry: metrics.registry,
    });
  }

  onModuleInit(): Promise<void> {
    return this.cache.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.cache.stop();
  }

  /** `null` is cached too, so a burst of requests for an unknown id reaches the database once. */
  product(id: string, load: () => Promise<Product | null>): Promise<Product | null> {
    return this.cache.getOrLoad(`products:${id}`, this.ttlMs, load);
  }

  list(query: ProductQuery, load: () => Promise<ProductList>): Promise<ProductList> {
    const key = `${LIST_PREFIX}${query.page}:${query.limit}:${query.q ?? ''}`;
    return this.cache.getOrLoad(key, this.ttlMs, load);
  }

  /** Drops these products and every list, which may show them, on every replica. */
  forget(productIds: readonly string[]): Promise<void> {
    return this.cache.invalidate({
      keys: productIds.map((id) => `products:${id}`),
      prefixes: [LIST_PREFIX],
    });
  }
}
