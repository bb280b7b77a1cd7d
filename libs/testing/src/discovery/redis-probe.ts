import { Redis } from 'ioredis';
import type { Answer } from './discover.js';

export async function probeRedis(url: string): Promise<Answer> {
  // No retries and no offline queue: a probe should answer "not there" at once, not wait.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Without retries, connect() only says "Connection is closed."; the error event says why.
  let cause: unknown;
  redis.on('error', (error) => (cause ??= error));
  try {
    await redis.connect().catch((error: unknown) => {
      throw cause ?? error;
    });
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '(unknown version)';
    return { address: url, version: `Redis ${version}` };
  } finally {
    redis.disconnect();
  }
}
