import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { uniqueName, TcpProxy } from '#atlas/testing';
import { realRedis } from '../test/redis-harness.js';
import { CACHE_BACKEND, type CacheBackend } from './cache-backend.js';
import { CacheHealthCheck } from './cache.health-check.js';
import { CacheModule } from './cache.module.js';
import type { CacheModuleOptions } from './cache.options.js';
import { CacheStore } from './cache.store.js';
import { RateLimitStore } from './rate-limit.store.js';
import { RedisCacheStore } from './redis-cache.store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

describe('CacheModule with Redis', () => {
  const redis = realRedis();
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const start = async (options: CacheModuleOptions) => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot(options)],
    }).compile();
    app = await moduleRef.init();
    return app;
  };

  it('provides both Redis stores on one connection, and a health check', async () => {
    const context = await start({ kind: 'redis', url: redis.url, keyPrefix: uniqueName('module') });

    const cache = context.get(CacheStore);
    const limits = context.get(RateLimitStore);
    expect(cache).toBeInstanceOf(RedisCacheStore);
    expect(limits).toBeInstanceOf(RedisRateLimitStore);
    await cache.set('k', { ok: true }, 60_000);
    await expect(cache.get('k')).resolves.toEqual({ ok: true });
    await expect(limits.consume('k', { limit: 1, windowMs: 60_000 })).resolves.toMatchObject({
      allowed: true,
    });
    const health = context.get(CacheHealthCheck);
    expect(health.name).toBe('cache');
    await expect(health.check()).resolves.toBeUndefined();
  });

  it('closes the Redis connection when the application shuts down', async () => {
    const context = await start({ kind: 'redis', url: redis.url, keyPrefix: uniqueName('module') });
    const backend = context.get<CacheBackend>(CACHE_BACKEND);
    if (backend.kind !== 'redis') throw new Error(`expected a Redis backend, got ${backend.kind}`);

    await context.close();
    app = undefined;

    expect(backend.client.status).toBe('end');
  });

  it('fails the start, saying where, when Redis does not answer in time', async () => {
    const target = new URL(redis.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start();
    const unreachable = proxy.url;
    await proxy.stop();

    await expect(
      start({ kind: 'redis', url: unreachable, keyPrefix: 'module', connectTimeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'CACHE.UNAVAILABLE',
      message: expect.stringContaining('Check the Redis URL (REDIS_URL)'),
    });
  });
});
