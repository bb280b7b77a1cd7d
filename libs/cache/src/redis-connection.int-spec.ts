import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { uniqueName, TcpProxy } from '#atlas/testing';
import type { Redis } from 'ioredis';
import { realRedis } from '../test/redis-harness.js';
import { CacheHealthCheck } from './cache.health-check.js';
import { RedisCacheStore } from './redis-cache.store.js';
import { createRedisConnection, waitUntilReady } from './redis-connection.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

describe('Redis connection', () => {
  const redis = realRedis();
  const target = new URL(redis.url);
  // What each test opened, closed after it whatever happened.
  const opened: { proxies: TcpProxy[]; clients: Redis[] } = { proxies: [], clients: [] };
  afterEach(async () => {
    for (const client of opened.clients.splice(0)) client.disconnect();
    for (const proxy of opened.proxies.splice(0)) await proxy.stop();
  });
  const newProxy = () => {
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    opened.proxies.push(proxy);
    return proxy;
  };
  const newClient = (url: string) => {
    const client = createRedisConnection({ url });
    opened.clients.push(client);
    return client;
  };
  const throughProxy = async () => {
    const proxy = newProxy();
    await proxy.start();
    const client = newClient(proxy.url);
    await waitUntilReady(client, 5_000);
    return { proxy, client };
  };
  const waitForStatus = async (connection: Redis, status: string) => {
    while (connection.status !== status) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('fails calls at once while Redis is down, instead of queueing them', async () => {
    const { proxy, client } = await throughProxy();
    const cache = new RedisCacheStore(client, { keyPrefix: uniqueName('down') });
    const limits = new RedisRateLimitStore(client, { keyPrefix: uniqueName('down') });
    const health = new CacheHealthCheck({ kind: 'redis', client });
    await proxy.stop();
    await waitForStatus(client, 'reconnecting');

    // The client itself refuses rather than queueing until Redis is back.
    await expect(client.ping()).rejects.toThrow(/enableOfflineQueue/);
    await expect(cache.get('k')).rejects.toMatchObject({ code: 'CACHE.UNAVAILABLE' });
    await expect(cache.set('k', 1, 1_000)).rejects.toMatchObject({ code: 'CACHE.UNAVAILABLE' });
    await expect(limits.consume('k', { limit: 1, windowMs: 1_000 })).rejects.toMatchObject({
      code: 'CACHE.UNAVAILABLE',
      message: expect.stringContaining('is not connected'),
    });
    await expect(health.check()).rejects.toMatchObject({
      code: 'CACHE.UNHEALTHY',
      message: expect.stringContaining(`127.0.0.1:${new URL(proxy.url).port}`),
    });
  });

  it('serves getOrLoad from the loader while Redis is down', async () => {
    const { proxy, client } = await throughProxy();
    const cache = new RedisCacheStore(client, { keyPrefix: uniqueName('down') });
    await proxy.stop();
    await waitForStatus(client, 'reconnecting');

    await expect(
      cache.getOrLoad('product:1', 60_000, async () => 'from the database'),
    ).resolves.toBe('from the database');
  });

  it('reconnects by itself when Redis is back', async () => {
    const { proxy, client } = await throughProxy();
    const cache = new RedisCacheStore(client, { keyPrefix: uniqueName('back') });
    const health = new CacheHealthCheck({ kind: 'redis', client });
    await proxy.stop();
    await waitForStatus(client, 'reconnecting');
    await expect(health.check()).rejects.toThrow(/not connected/);

    await proxy.start();
    await waitForStatus(client, 'ready');

    await cache.set('k', 'after the outage', 60_000);
    await expect(cache.get('k')).resolves.toBe('after the outage');
    await expect(health.check()).resolves.toBeUndefined();
  });

  it('gives up waiting at start after the timeout, says where, and stops reconnecting', async () => {
    const proxy = newProxy();
    await proxy.start();
    const unreachable = new URL(proxy.url).host;
    await proxy.stop();
    const client = newClient(`redis://:s3cret@${unreachable}`);

    const waiting = waitUntilReady(client, 300);

    await expect(waiting).rejects.toMatchObject({
      code: 'CACHE.UNAVAILABLE',
      message: expect.stringMatching(/127\.0\.0\.1:\d+\/0 was not ready within 300 ms/),
    });
    await expect(waiting).rejects.not.toThrow(/s3cret/);
    // Its reconnect delay has grown to well under a second by now, so a client still trying
    // would show up here.
    const attempts = jest.fn();
    client.on('reconnecting', attempts);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(attempts).not.toHaveBeenCalled();
  });
});
