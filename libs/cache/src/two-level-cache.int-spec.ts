import type { Redis } from 'ioredis';
import { describeTwoLevelCache } from '../test/two-level-cache.contract.js';
import { realRedis } from '../test/redis-harness.js';
import { closeRedisConnection } from './redis-connection.js';
import { RedisCacheStore } from './redis-cache.store.js';
import { RedisPubSub } from './redis-pub-sub.js';

// Each replica has its own Redis connection and its own in-process level, as separate
// processes would: what one replica caches or drops reaches another only through Redis.
const redis = realRedis();

describeTwoLevelCache('Redis, two replicas', async () => {
  const clients: Redis[] = [];
  const pubSubs: RedisPubSub[] = [];
  return {
    replica: async (keyPrefix, namespace) => {
      const client = await redis.connect();
      clients.push(client);
      const pubSub = new RedisPubSub(client, { namespace });
      pubSubs.push(pubSub);
      return { shared: new RedisCacheStore(client, { keyPrefix }), pubSub };
    },
    close: async () => {
      for (const pubSub of pubSubs) await pubSub.close();
      for (const client of clients) await closeRedisConnection(client);
    },
  };
});
