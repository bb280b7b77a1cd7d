import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { CacheHealthCheck } from './cache.health-check.js';
import { CacheModule } from './cache.module.js';
import { CacheStore } from './cache.store.js';
import { MemoryCacheStore } from './memory-cache.store.js';
import { MemoryRateLimitStore } from './memory-rate-limit.store.js';
import { RateLimitStore } from './rate-limit.store.js';

describe('CacheModule in memory (embedded mode)', () => {
  it('provides the memory stores and a health check that is always healthy', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ kind: 'memory', keyPrefix: 'catalog' })],
    }).compile();
    const app = await moduleRef.init();
    try {
      expect(app.get(CacheStore)).toBeInstanceOf(MemoryCacheStore);
      expect(app.get(RateLimitStore)).toBeInstanceOf(MemoryRateLimitStore);
      await expect(app.get(CacheHealthCheck).check()).resolves.toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('refuses a key prefix that would break the key layout, before anything starts', () => {
    expect(() => CacheModule.forRoot({ kind: 'memory', keyPrefix: 'catalog:' })).toThrow(
      /keyPrefix "catalog:" must start with a letter or digit/,
    );
  });
});
