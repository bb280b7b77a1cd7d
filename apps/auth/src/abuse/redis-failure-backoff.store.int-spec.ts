import { afterAll, describe, expect, it } from '@jest/globals';
import { createRedisConnection, waitUntilReady } from '#atlas/cache';
import { testRedis, uniqueName } from '#atlas/testing';
import type { Redis } from 'ioredis';
import { backoffDelayMs, FAILURE_BACKOFF } from './abuse-limits.js';
import { RedisFailureBackoffStore } from './redis-failure-backoff.store.js';

describe('RedisFailureBackoffStore (real Redis)', () => {
  const redis = testRedis();
  if (redis.kind !== 'real') {
    throw new Error(`The Redis back-off script needs a real Redis (${redis.reason}).`);
  }
  let client: Redis | undefined;
  const connect = async () => {
    client ??= createRedisConnection({ url: redis.url });
    await waitUntilReady(client, 5_000);
    return client;
  };
  afterAll(() => client?.disconnect());

  it('admits only the free attempts of a parallel burst, then makes the account wait', async () => {
    const store = new RedisFailureBackoffStore(await connect(), `${uniqueName('auth')}:`);
    const decisions = await Promise.all(
      Array.from({ length: 20 }, () => store.attempt('login:x', FAILURE_BACKOFF)),
    );
    const admitted = decisions.filter((decision) => decision.allowed);
    expect(admitted.map((decision) => decision.failures).toSorted((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    const refused = decisions.filter((decision) => !decision.allowed);
    expect(refused).toHaveLength(15);
    for (const decision of refused) {
      expect(decision.retryAfterMs).toBeGreaterThan(0);
      expect(decision.retryAfterMs).toBeLessThanOrEqual(backoffDelayMs(5));
    }
    await store.clear('login:x');
    await expect(store.attempt('login:x', FAILURE_BACKOFF)).resolves.toEqual({
      allowed: true,
      retryAfterMs: 0,
      failures: 1,
    });
  });
});
