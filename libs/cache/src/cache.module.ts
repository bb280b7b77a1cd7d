import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CACHE_BACKEND, type CacheBackend } from './cache-backend.js';
import { CacheHealthCheck } from './cache.health-check.js';
import type { CacheModuleOptions } from './cache.options.js';
import { CacheStore } from './cache.store.js';
import { MemoryCacheStore } from './memory-cache.store.js';
import { MemoryPubSub } from './memory-pub-sub.js';
import { MemoryRateLimitStore } from './memory-rate-limit.store.js';
import { PubSub } from './pub-sub.js';
import { RateLimitStore } from './rate-limit.store.js';
import { RedisCacheStore } from './redis-cache.store.js';
import { closeRedisConnection, createRedisConnection, waitUntilReady } from './redis-connection.js';
import { RedisPubSub } from './redis-pub-sub.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';
import { assertValidKeyPrefix } from './store-keys.js';

/**
 * A service's cache and rate-limit stores, as one import:
 *
 * ```ts
 * imports: [CacheModule.forRoot(config.cache)] // { kind: 'redis', url, keyPrefix: 'catalog' }
 * ...
 * constructor(cache: CacheStore, limits: RateLimitStore, pubSub: PubSub) {}
 * ```
 *
 * With Redis, the app does not start until Redis answers (or `connectTimeoutMs` passes, which
 * fails the start), both stores share one connection, and it is closed on shutdown.
 */
@Module({})
export class CacheModule implements OnApplicationShutdown {
  constructor(
    @Inject(CACHE_BACKEND) private readonly backend: CacheBackend,
    private readonly pubSub: PubSub,
  ) {}

  static forRoot(given: CacheModuleOptions): DynamicModule {
    const options = {
      ...given,
      keyPrefix: given.namespace ? `${given.namespace}.${given.keyPrefix}` : given.keyPrefix,
    };
    assertValidKeyPrefix(options.keyPrefix);
    return {
      module: CacheModule,
      global: true,
      providers: [
        { provide: CACHE_BACKEND, useFactory: () => openBackend(options) },
        {
          provide: CacheStore,
          inject: [CACHE_BACKEND],
          useFactory: (backend: CacheBackend) =>
            backend.kind === 'redis'
              ? new RedisCacheStore(backend.client, options)
              : new MemoryCacheStore({
                  keyPrefix: options.keyPrefix,
                  maxEntries: options.kind === 'memory' ? options.maxEntries : undefined,
                }),
        },
        {
          provide: RateLimitStore,
          inject: [CACHE_BACKEND],
          useFactory: (backend: CacheBackend) =>
            backend.kind === 'redis'
              ? new RedisRateLimitStore(backend.client, options)
              : new MemoryRateLimitStore(options),
        },
        {
          provide: PubSub,
          inject: [CACHE_BACKEND],
          useFactory: (backend: CacheBackend) =>
            backend.kind === 'redis'
              ? new RedisPubSub(backend.client, options)
              : new MemoryPubSub(options),
        },
        CacheHealthCheck,
      ],
      // The backend too, for a service that needs a Redis primitive of its own (auth's
      // failure back-off) on the same connection.
      exports: [CacheStore, RateLimitStore, PubSub, CacheHealthCheck, CACHE_BACKEND],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pubSub.close();
    if (this.backend.kind !== 'redis') return;
    await closeRedisConnection(this.backend.client);
  }
}

async function openBackend(options: CacheModuleOptions): Promise<CacheBackend> {
  switch (options.kind) {
    case 'memory':
      return { kind: 'memory' };
    case 'redis': {
      const client = createRedisConnection(options);
      await waitUntilReady(client, options.connectTimeoutMs ?? 5_000);
      return { kind: 'redis', client };
    }
    default: {
      const unknown: never = options;
      throw new Error(`Unknown cache kind in ${JSON.stringify(unknown)}: use "redis" or "memory".`);
    }
  }
}
