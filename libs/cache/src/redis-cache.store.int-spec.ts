import { describeCacheStoreContract } from '../test/cache-store.contract.js';
import { memoryCacheHarness } from '../test/memory-harnesses.js';
import { redisUnderTest, sleep } from '../test/redis-harness.js';
import { RedisCacheStore } from './redis-cache.store.js';
import { closeRedisConnection } from './redis-connection.js';

// Without a Redis (ATLAS_TEST_INFRA=auto on a bare machine) the contract runs on the embedded
// adapter instead, and the test infrastructure report lists this suite under it.
const redis = redisUnderTest();

describeCacheStoreContract(
  redis.kind === 'real' ? 'Redis' : 'memory (no Redis found)',
  async () => {
    if (redis.kind === 'embedded') return memoryCacheHarness();
    const client = await redis.connect();
    return {
      createStore: (keyPrefix) => new RedisCacheStore(client, { keyPrefix }),
      elapse: sleep,
      close: () => closeRedisConnection(client),
    };
  },
);
