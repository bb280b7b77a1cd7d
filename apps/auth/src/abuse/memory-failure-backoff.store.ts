import { backoffDelayMs, type BackoffPolicy } from './abuse-limits.js';
import { FailureBackoffStore, type BackoffDecision } from './failure-backoff.store.js';

interface Entry {
  failures: number;
  blockedUntil: number;
  forgetAt: number;
}

/** Embedded mode's back-off: one auth process, so a map is the whole truth. */
export class MemoryFailureBackoffStore extends FailureBackoffStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async attempt(key: string, policy: BackoffPolicy): Promise<BackoffDecision> {
    const now = this.now();
    const entry = this.live(key, now);
    if (entry && entry.blockedUntil > now) {
      return { allowed: false, retryAfterMs: entry.blockedUntil - now, failures: entry.failures };
    }
    const failures = (entry?.failures ?? 0) + 1;
    this.entries.set(key, {
      failures,
      blockedUntil: now + backoffDelayMs(failures, policy),
      forgetAt: now + policy.memoryMs,
    });
    return { allowed: true, retryAfterMs: 0, failures };
  }

  async clear(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.forgetAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
