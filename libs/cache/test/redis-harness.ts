import { testRedis } from '#atlas/testing';
import type { Redis } from 'ioredis';
import { createRedisConnection, waitUntilReady } from '../src/redis-connection.js';

/**
 * The Redis the integration suites run against, as a harness choice: the run's real Redis
 * when the test infrastructure found one, otherwise (ATLAS_TEST_INFRA=auto on a machine
 * without Redis) the embedded adapter, the memory store, which the infra report then lists.
 */
export type RedisUnderTest =
  | { readonly kind: 'real'; readonly url: string; connect(): Promise<Redis> }
  | { readonly kind: 'embedded' };

export function redisUnderTest(): RedisUnderTest {
  const target = testRedis();
  if (target.kind === 'embedded') return { kind: 'embedded' };
  return {
    kind: 'real',
    url: target.url,
    async connect() {
      const client = createRedisConnection({ url: target.url });
      await waitUntilReady(client, 5_000);
      return client;
    },
  };
}

export interface RealRedis {
  readonly url: string;
  connect(): Promise<Redis>;
}

/**
 * For tests of what only a Redis server does (script cache, reconnecting, the connection's
 * life cycle): the memory store cannot stand in, so a missing Redis fails them, loudly.
 */
export function realRedis(): RealRedis {
  const redis = redisUnderTest();
  if (redis.kind === 'embedded') {
    throw new Error(
      'This suite tests Redis server behaviour that the memory store cannot stand in for, and ' +
        'the test infrastructure found no Redis. Start Redis on 127.0.0.1:6379 or point the ' +
        'test harness at one (see libs/testing).',
    );
  }
  return redis;
}

/** Real time, for a real Redis whose clock cannot be faked. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
