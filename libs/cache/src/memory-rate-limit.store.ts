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
 * One key's request times, oldest first. Times only ever arrive in order, so the ones that
 * left the window are a prefix: `start` skips them, and the array is compacted only once most
 * of it is skipped, keeping each consume cheap however high the limit.
 */
interface RequestLog {
  times: number[];
  start: number;
}

/**
 * Embedded mode's rate limiter: the same sliding window log as the Redis store (see
 * redis-rate-limit.store.ts), with the request times of each key in memory. Node runs one
 * consume at a time, so no lock is needed. The number of keys is bounded, since a gateway
 * keyed by client IP would otherwise grow without end.
 */
export class MemoryRateLimitStore extends RateLimitStore {
  private readonly windows = new Map<string, RequestLog>();
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
    const log = this.windows.get(fullKey) ?? { times: [], start: 0 };
    const { times } = log;
    while (log.start < times.length && (times[log.start] ?? 0) <= now - rule.windowMs) {
      log.start += 1;
    }
    if (log.start > 0 && log.start * 2 >= times.length) {
      times.splice(0, log.start);
      log.start = 0;
    }
    const count = times.length - log.start;
    const allowed = count < rule.limit;
    if (allowed) times.push(now);

    // Re-inserting moves the key to the end of the map's order: most recently used.
    this.windows.delete(fullKey);
    if (times.length > log.start) this.windows.set(fullKey, log);
    for (const oldest of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(oldest);
    }

    const inWindow = times.length - log.start;
    const first = times[log.start];
    const last = times.at(-1);
    return {
      allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - inWindow),
      resetMs: last === undefined ? 0 : last + rule.windowMs - now,
      retryAfterMs: allowed || first === undefined ? 0 : first + rule.windowMs - now,
    };
  }
}
