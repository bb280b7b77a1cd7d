import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisConnection, waitUntilReady } from '#atlas/cache';
import { testRedis, TcpProxy } from '#atlas/testing';
import { RedisSessionRevocations } from './redis-session-revocations.js';
import { SessionStoreUnavailable } from './session-revocations.js';

describe('RedisSessionRevocations (real Redis)', () => {
  const redis = testRedis();
  if (redis.kind !== 'real') {
    throw new Error(
      `The revocation store's fail-closed behaviour needs a real Redis (${redis.reason}). ` +
        'Start Redis on 127.0.0.1:6379 or point the test harness at one (see libs/testing).',
    );
  }
  const target = new URL(redis.url);
  const opened: { proxies: TcpProxy[]; clients: Redis[] } = { proxies: [], clients: [] };
  afterEach(async () => {
    for (const client of opened.clients.splice(0)) client.disconnect();
    for (const proxy of opened.proxies.splice(0)) await proxy.stop();
  });
  const connect = async (url: string) => {
    const client = createRedisConnection({ url, commandTimeoutMs: 500 });
    opened.clients.push(client);
    await waitUntilReady(client, 5_000);
    return client;
  };

  it('shares a revocation between two verifiers, each with its own connection', async () => {
    const auth = new RedisSessionRevocations(await connect(redis.url));
    const gateway = new RedisSessionRevocations(await connect(redis.url));
    const session = randomUUID();
    await expect(gateway.isRevoked(session)).resolves.toBe(false);
    await auth.revoke([session], 60);
    await expect(gateway.isRevoked(session)).resolves.toBe(true);
    await expect(gateway.isRevoked(randomUUID())).resolves.toBe(false);
  });

  it('keeps a revocation only as long as the session’s access tokens can live', async () => {
    const client = await connect(redis.url);
    const store = new RedisSessionRevocations(client);
    const session = randomUUID();
    await store.revoke([session], 90);
    const ttl = await client.ttl(`atlas:revoked-session:${session}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(90);
  });

  it('fails closed: a check while Redis is unreachable throws instead of answering "not revoked"', async () => {
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    opened.proxies.push(proxy);
    await proxy.start();
    const store = new RedisSessionRevocations(await connect(proxy.url));
    const session = randomUUID();
    await expect(store.isRevoked(session)).resolves.toBe(false);

    await proxy.stop();
    await expect(store.isRevoked(session)).rejects.toThrow(SessionStoreUnavailable);
    await expect(store.revoke([session], 60)).rejects.toThrow(SessionStoreUnavailable);
  });
});
