import { assertValidRule } from './cache-arguments.js';
import { type RateLimitDecision, type RateLimitRule, RateLimitStore } from './rate-limit.store.js';
import { storeNamespace } from './store-keys.js';

export interface MemoryRateLimitStoreOptions {
  readonly keyPrefix: string;
  /** Keys tracked before the least recently used is forgotten. Default 100 000. */
  readonly maxKeys?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
}

/**
 * Embedded mode's rate limiter: the same sliding window log as the Redis store (see
 * redis-rate-limit.store.ts), with the request times of each key in an array. Node runs one
 * consume at a time, so no lock is needed. The number of keys is bounded, since a gateway
 * keyed by client IP would otherwise grow without end.
 */
export class MemoryRateLimitStore extends RateLimitStore {
  private readonly windows = new Map<string, number[]>();
  private readonly namespace: string;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryRateLimitStoreOptions) {
    super();
    this.namespace = storeNamespace(options.keyPrefix, 'ratelimit');
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxKeys) || this.maxKeys < 1) {
      throw new RangeError(`maxKeys must be a whole number of at least 1, got ${this.maxKeys}.`);
    }
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    assertValidRule(rule);
    const fullKey = this.namespace + key;
    const now = this.now();
    const times = (this.windows.get(fullKey) ?? []).filter((time) => time > now - rule.windowMs);
    const allowed = times.length < rule.limit;
    if (allowed) times.push(now);

    this.windows.delete(fullKey);
    if (times.length > 0) this.windows.set(fullKey, times);
    for (const oldest of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(oldest);
    }

    const first = times[0];
    const last = times.at(-1);
    return {
      allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - times.length),
      resetMs: last === undefined ? 0 : last + rule.windowMs - now,
      retryAfterMs: allowed || first === undefined ? 0 : first + rule.windowMs - now,
    };
  }
}
