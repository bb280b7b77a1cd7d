/** At most `limit` requests in any `windowMs` milliseconds. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests still allowed in the current window after this one. */
  readonly remaining: number;
  /** Milliseconds until the window is empty again and `remaining` is back to `limit`. */
  readonly resetMs: number;
  /** 0 when allowed; otherwise milliseconds until a request would be allowed (`Retry-After`). */
  readonly retryAfterMs: number;
}

/**
 * Counts requests per key (a user, an IP, an API key) against a rule, as a sliding window:
 * exactly `limit` requests in any `windowMs`, never twice that across a window boundary as a
 * fixed window allows. Rejected requests do not count, so a client that backs off for
 * `retryAfterMs` gets in. Inject `RateLimitStore`; `CacheModule` decides whether it is Redis
 * (shared by all replicas) or memory (embedded mode).
 */
export abstract class RateLimitStore {
  /** Counts one request for `key` if the rule allows it, and says whether it did. */
  abstract consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}
