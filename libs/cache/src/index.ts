export * from './cache.error.js';
export * from './cache.health-check.js';
export * from './cache.module.js';
export * from './cache.options.js';
export * from './cache.store.js';
export * from './memory-cache.store.js';
export * from './memory-rate-limit.store.js';
export * from './rate-limit.store.js';
export * from './redis-cache.store.js';
export {
  createRedisConnection,
  type RedisConnectionOptions,
  waitUntilReady,
} from './redis-connection.js';
export * from './redis-rate-limit.store.js';
