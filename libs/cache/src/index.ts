export * from './cache.error.js';
export * from './cache.health-check.js';
export * from './cache.module.js';
export * from './cache.options.js';
export * from './cache.store.js';
export * from './memory-cache.store.js';
export * from './memory-pub-sub.js';
export * from './memory-rate-limit.store.js';
export * from './pub-sub.js';
export * from './rate-limit.store.js';
export * from './redis-cache.store.js';
export {
  closeRedisConnection,
  createRedisConnection,
  onRedis,
  type RedisConnectionOptions,
  waitUntilReady,
} from './redis-connection.js';
export { CACHE_BACKEND, type CacheBackend } from './cache-backend.js';
export * from './redis-pub-sub.js';
export * from './redis-rate-limit.store.js';
export * from './two-level-cache.js';
