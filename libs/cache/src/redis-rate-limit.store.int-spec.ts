import { describe, expect, it } from '@jest/globals';
import { uniqueName } from '#atlas/testing';
import { memoryRateLimitHarness } from '../test/memory-harnesses.js';
import { describeRateLimitStoreContract } from '../test/rate-limit-store.contract.js';
import { realRedis, redisUnderTest, sleep } from '../test/redis-harness.js';
import { closeRedisConnection } from './redis-connection.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

// Without a Redis (ATLAS_TEST_INFRA=auto on a bare machine) the contract runs on the embedded
// adapter instead, and the test infrastructure report lists this suite under it.
const redis = redisUnderTest();

describeRateLimitStoreContract(
  redis.kind === 'real' ? 'Redis' : 'memory (no Redis found)',
  async () => {
    if (redis.kind === 'embedded') return memoryRateLimitHarness();
    // Three connections stand for three gateway replicas.
    const clients = await Promise.all([1, 2, 3].map(() => redis.connect()));
    return {
      createStores: (keyPrefix, count) => {
        if (count > clients.length) throw new Error(`at most ${clients.length} replicas`);
        return clients
          .slice(0, count)
          .map((client) => new RedisRateLimitStore(client, { keyPrefix }));
      },
      elapse: sleep,
      close: async () => {
        await Promise.all(clients.map(closeRedisConnection));
      },
    };
  },
);

describe('RedisRateLimitStore', () => {
  it('loads its script again after Redis forgot it (restart, failover)', async () => {
    const client = await realRedis().connect();
    try {
      const store = new RedisRateLimitStore(client, { keyPrefix: uniqueName('ratelimit') });
      const rule = { limit: 2, windowMs: 60_000 };
      await store.consume('client-1', rule);

      // Shared with other suites, but harmless: every script user reloads on NOSCRIPT.
      await client.script('FLUSH');

      await expect(store.consume('client-1', rule)).resolves.toMatchObject({
        allowed: true,
        remaining: 0,
      });
    } finally {
      await closeRedisConnection(client);
    }
  });
});
