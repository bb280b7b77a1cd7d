import { Inject, Injectable } from '@nestjs/common';
import { CACHE_BACKEND, type CacheBackend } from './cache-backend.js';
import { CacheError } from './cache.error.js';
import { describeRedis } from './redis-connection.js';

const TIMEOUT_MS = 1_000;

/** Readiness of the cache: Redis answers PING quickly; the memory cache is always there. */
@Injectable()
export class CacheHealthCheck {
  readonly name = 'cache';

  constructor(@Inject(CACHE_BACKEND) private readonly backend: CacheBackend) {}

  async check(): Promise<void> {
    switch (this.backend.kind) {
      case 'memory':
        return;
      case 'redis':
        return ping(this.backend.client);
      default: {
        const unknown: never = this.backend;
        throw new Error(`Unknown cache backend ${JSON.stringify(unknown)}`);
      }
    }
  }
}

async function ping(client: Extract<CacheBackend, { kind: 'redis' }>['client']): Promise<void> {
  const where = `Redis at ${describeRedis(client)}`;
  if (client.status !== 'ready') {
    throw new CacheError('CACHE.UNHEALTHY', `${where} is not connected (${client.status}).`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CacheError(
            'CACHE.UNHEALTHY',
            `${where} did not answer PING within ${TIMEOUT_MS} ms.`,
          ),
        ),
      TIMEOUT_MS,
    );
  });
  try {
    const reply: string = await Promise.race([client.ping(), timeout]);
    if (reply !== 'PONG') {
      throw new CacheError('CACHE.UNHEALTHY', `${where} answered PING with "${reply}".`);
    }
  } catch (error) {
    if (error instanceof CacheError) throw error;
    throw new CacheError(
      'CACHE.UNHEALTHY',
      `${where} failed PING: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
