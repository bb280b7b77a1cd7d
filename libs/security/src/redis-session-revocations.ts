import type { OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { closeRedisConnection, onRedis } from '#atlas/cache';
import { SessionRevocations, SessionStoreUnavailable } from './session-revocations.js';

/**
 * Shared by every app and replica that verifies tokens, whatever its own key prefix; only an
 * environment's REDIS_NAMESPACE (the same for all of its apps) sets it apart.
 */
export function revokedSessionKeyPrefix(namespace?: string): string {
  return `${namespace ? `${namespace}.` : ''}atlas:revoked-session:`;
}

/** Revoked sessions in Redis: one key per session, expiring with its last access token. */
export class RedisSessionRevocations extends SessionRevocations implements OnApplicationShutdown {
  private readonly prefix: string;

  /**
   * `owned`: this store opened the connection and closes it on shutdown; otherwise it borrows
   * the app's cache connection, which its own module closes.
   */
  constructor(
    private readonly redis: Redis,
    namespace?: string,
    private readonly connection: { readonly owned: boolean } = { owned: true },
  ) {
    super();
    this.prefix = revokedSessionKeyPrefix(namespace);
  }

  async revoke(sessionIds: readonly string[], ttlSeconds: number): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.call('record revoked sessions', async () => {
      const batch = this.redis.multi();
      for (const id of sessionIds) batch.set(this.prefix + id, '1', 'EX', ttlSeconds);
      const results = await batch.exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('the transaction was discarded');
    });
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const found = await this.call('check a session', () =>
      this.redis.exists(this.prefix + sessionId),
    );
    return found === 1;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connection.owned) await closeRedisConnection(this.redis);
  }

  // Any failure, not only a lost connection, means "cannot tell": fail closed.
  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await onRedis(this.redis, operation);
    } catch (error) {
      throw new SessionStoreUnavailable(`Could not ${what} in Redis.`, { cause: error });
    }
  }
}
