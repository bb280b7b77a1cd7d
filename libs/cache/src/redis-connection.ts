import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CacheError } from './cache.error.js';

export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://` for TLS. */
  readonly url: string;
  /** How long opening a connection may take, at start and on every reconnect. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** How long one command may take before it fails. Default 2 s. */
  readonly commandTimeoutMs?: number;
}

/**
 * An ioredis client set up to fail fast. While Redis is unreachable every command is rejected
 * at once (`enableOfflineQueue: false`) instead of queueing in memory until it returns, which
 * would hold requests open and grow without bound; a command sent just before the connection
 * broke is not retried either (`maxRetriesPerRequest: 0`), since retrying a rate-limit consume
 * could count one request twice. Reconnecting goes on in the background with a delay that
 * grows to at most 5 s and never gives up: a client that gave up would need a process restart
 * once Redis is back.
 *
 * Commands issued in the same turn of the event loop are sent as one pipeline
 * (`enableAutoPipelining`): one write and one read for all of them, however many requests
 * issued them. The gateway relies on it to ask its rate-limit step and a token's revocation in
 * one round trip; under load it also batches concurrent requests' commands together.
 */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const logger = new Logger('Cache');
  const client = new Redis(options.url, {
    lazyConnect: false,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 5_000),
  });
  // ioredis reports every failed reconnect attempt; one line per distinct problem is enough.
  let lastError: string | undefined;
  client.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn(`Redis at ${describeRedis(client)} is unavailable: ${error.message}`);
  });
  client.on('ready', () => {
    if (lastError !== undefined) logger.log(`Redis at ${describeRedis(client)} is back`);
    lastError = undefined;
  });
  return client;
}

/** Resolves once the client can take commands; rejects (and closes it) after `timeoutMs`. */
export async function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let lastError = 'no answer';
  const onError = (error: Error) => {
    lastError = error.message || error.constructor.name;
  };
  client.on('error', onError);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(
          new CacheError(
            'CACHE.UNAVAILABLE',
            `Redis at ${describeRedis(client)} was not ready within ${timeoutMs} ms ` +
              `(${lastError}). Check the Redis URL (REDIS_URL) and that Redis is running.`,
          ),
        );
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', onReady);
    });
  } catch (error) {
    client.disconnect();
    throw error;
  } finally {
    client.off('error', onError);
  }
}

/**
 * Closes the connection for good: QUIT lets commands already sent finish, and the promise
 * settles once the socket is closed (or after a second, so shutdown never hangs on it). A
 * client that is not connected just stops reconnecting.
 */
export async function closeRedisConnection(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  const closed = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1_000);
    client.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await client.quit().catch(() => client.disconnect());
  await closed;
}

/** `host:port/db`, without credentials: for log lines and errors. */
export function describeRedis(client: Redis): string {
  const { host, port, db } = client.options;
  return `${host}:${port}/${db ?? 0}`;
}

/**
 * Runs one Redis call, turning "not connected" into `CACHE.UNAVAILABLE`, which callers can
 * recognise (and `getOrLoad` falls back on) whatever ioredis calls it today.
 */
export async function onRedis<T>(client: Redis, call: () => Promise<T>): Promise<T> {
  if (client.status !== 'ready') {
    throw new CacheError(
      'CACHE.UNAVAILABLE',
      `Redis at ${describeRedis(client)} is not connected (${client.status}); the call was not ` +
        'sent. The client keeps reconnecting in the background.',
    );
  }
  try {
    return await call();
  } catch (error) {
    if (isConnectionFailure(error)) {
      throw new CacheError(
        'CACHE.UNAVAILABLE',
        `Redis at ${describeRedis(client)} did not complete the call: ${messageOf(error)}.`,
        { cause: error },
      );
    }
    throw error;
  }
}

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Command timed out|Connection is closed|enableOfflineQueue|MaxRetriesPerRequest|ECONNRESET|EPIPE/i.test(
    `${error.name} ${error.message}`,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
