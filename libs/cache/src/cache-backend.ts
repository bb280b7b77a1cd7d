import type { Redis } from 'ioredis';

/** Which backend a CacheModule runs on; shared by its stores and its health check. */
export type CacheBackend =
  { readonly kind: 'memory' } | { readonly kind: 'redis'; readonly client: Redis };

export const CACHE_BACKEND = Symbol('CACHE_BACKEND');
