import type { Redis } from 'ioredis';
import { assertValidTtl, toJson } from './cache-arguments.js';
import { CacheStore } from './cache.store.js';
import { onRedis } from './redis-connection.js';
import { prefixPattern, storeNamespace } from './store-keys.js';

// Keys per SCAN step: big enough to finish a large prefix in few round trips, small enough
// that no single step holds Redis up noticeably.
const SCAN_BATCH = 500;

export interface RedisCacheStoreOptions {
  readonly keyPrefix: string;
}

/** The distributed cache: one Redis shared by every replica of the service. */
export class RedisCacheStore extends CacheStore {
  private readonly namespace: string;

  constructor(
    private readonly redis: Redis,
    options: RedisCacheStoreOptions,
  ) {
    super();
    this.namespace = storeNamespace(options.keyPrefix, 'cache');
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await onRedis(this.redis, () => this.redis.get(this.namespace + key));
    if (json === null) return undefined;
    const value: T = JSON.parse(json);
    return value;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertValidTtl(ttlMs);
    const json = toJson(key, value);
    await onRedis(this.redis, () => this.redis.set(this.namespace + key, json, 'PX', ttlMs));
  }

  async setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    assertValidTtl(ttlMs);
    const json = toJson(key, value);
    const reply = await onRedis(this.redis, () =>
      this.redis.set(this.namespace + key, json, 'PX', ttlMs, 'NX'),
    );
    return reply === 'OK';
  }

  protected async deleteEntry(key: string): Promise<void> {
    await onRedis(this.redis, () => this.redis.unlink(this.namespace + key));
  }

  // SCAN walks the keyspace a page at a time instead of blocking Redis for all of it as KEYS
  // does, and UNLINK frees the memory in the background. Keys created during the walk may be
  // missed; a cache can live with that, since each still expires.
  protected async deleteEntriesByPrefix(prefix: string): Promise<number> {
    const match = prefixPattern(this.namespace + prefix);
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await onRedis(this.redis, () =>
        this.redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH),
      );
      cursor = next;
      if (keys.length > 0) deleted += await onRedis(this.redis, () => this.redis.unlink(...keys));
    } while (cursor !== '0');
    return deleted;
  }
}
