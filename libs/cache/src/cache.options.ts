/**
 * What a service tells the cache library, parsed by the app from its environment
 * (`REDIS_URL`, ...): Redis in distributed mode, memory in embedded mode.
 */
export type CacheModuleOptions = (RedisCacheOptions | MemoryCacheOptions) & {
  /**
   * Prefixes every key (`<namespace>.<keyPrefix>:...`) and pub/sub channel, so environments
   * that share one Redis (test runs, staging next to a demo) never see each other's data.
   */
  readonly namespace?: string;
};

export interface RedisCacheOptions {
  readonly kind: 'redis';
  /** `redis://[:password@]host:port[/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /**
   * Namespace of every key this service writes (`catalog` → `catalog:cache:...`), so services
   * sharing one Redis never touch each other's keys. Letters, digits, `_`, `.`, `-`.
   */
  readonly keyPrefix: string;
  /** How long start-up waits for Redis, and each (re)connect may take. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** How long one command may take. Default 2 s. */
  readonly commandTimeoutMs?: number;
}

export interface MemoryCacheOptions {
  readonly kind: 'memory';
  readonly keyPrefix: string;
  /** Cache entries kept before the least recently used is dropped. Default 10 000. */
  readonly maxEntries?: number;
}
