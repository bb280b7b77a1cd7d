import { SessionRevocations } from './session-revocations.js';

/**
 * Revoked sessions in this process's memory, for embedded mode, where all six apps run in one
 * process: they must share one record, so there is one per process (`inProcess`). Several
 * processes with memory stores would not see each other's revocations; distributed mode uses
 * Redis.
 */
export class MemorySessionRevocations extends SessionRevocations {
  private static shared?: MemorySessionRevocations;

  /** Session id → when its record may be forgotten (ms since the epoch). */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  static inProcess(): MemorySessionRevocations {
    MemorySessionRevocations.shared ??= new MemorySessionRevocations();
    return MemorySessionRevocations.shared;
  }

  async revoke(sessionIds: readonly string[], ttlSeconds: number): Promise<void> {
    const now = this.now();
    // Forget records whose tokens have all expired, so the map stays as small as the TTL allows.
    for (const [id, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(id);
    for (const id of sessionIds) this.expiries.set(id, now + ttlSeconds * 1000);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const expiresAt = this.expiries.get(sessionId);
    return expiresAt !== undefined && expiresAt > this.now();
  }
}
