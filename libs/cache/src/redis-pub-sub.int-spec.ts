import { afterEach, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { defineChannel } from '#atlas/contracts';
import { uniqueName, TcpProxy } from '#atlas/testing';
import type { Redis } from 'ioredis';
import { describePubSubContract } from '../test/pub-sub.contract.js';
import { realRedis } from '../test/redis-harness.js';
import { closeRedisConnection, createRedisConnection, waitUntilReady } from './redis-connection.js';
import { RedisPubSub } from './redis-pub-sub.js';

const redis = realRedis();

describePubSubContract('Redis', async () => {
  const clients: Redis[] = [];
  const created: RedisPubSub[] = [];
  return {
    create: async (namespace) => {
      const client = await redis.connect();
      clients.push(client);
      const pubSub = new RedisPubSub(client, { namespace });
      created.push(pubSub);
      return pubSub;
    },
    close: async () => {
      for (const pubSub of created) await pubSub.close();
      for (const client of clients) await closeRedisConnection(client);
    },
  };
});

describe('RedisPubSub', () => {
  const Ping = defineChannel('test.ping.v1', z.object({ n: z.number() }));
  const cleanUp: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanUp.splice(0).toReversed()) await step();
  });

  it('tells its listeners when the subscription came back after a break, and hears again', async () => {
    const target = new URL(redis.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await proxy.start();
    cleanUp.push(() => proxy.stop());
    const namespace = uniqueName('pubsub-break');
    const viaProxy = createRedisConnection({ url: proxy.url });
    await waitUntilReady(viaProxy, 5_000);
    const direct = await redis.connect();
    const listener = new RedisPubSub(viaProxy, { namespace });
    const publisher = new RedisPubSub(direct, { namespace });
    cleanUp.push(async () => {
      await listener.close();
      await closeRedisConnection(viaProxy);
      await closeRedisConnection(direct);
    });
    const heard: number[] = [];
    let reconnects = 0;
    await listener.subscribe(Ping, (message) => heard.push(message.n));
    listener.onReconnect(() => (reconnects += 1));

    await proxy.stop();
    await publisher.publish(Ping, { n: 1 });
    await proxy.start();
    await until(() => reconnects === 1);
    // ioredis subscribes again as it reconnects; publish until that has gone through.
    await until(() => {
      void publisher.publish(Ping, { n: 2 });
      return heard.length > 0;
    });

    // The message sent during the break is lost: that is what the reconnect signal is for.
    expect(heard[0]).toBe(2);
    expect(heard).not.toContain(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
