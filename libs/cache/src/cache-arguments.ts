import type { RateLimitRule } from './rate-limit.store.js';

// Shared by the Redis and memory stores, so both reject exactly the same input.

export function assertValidTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new RangeError(
      `ttlMs must be a whole number of milliseconds of at least 1, got ${ttlMs}.`,
    );
  }
}

/** The JSON text stored for `value`; `undefined` and functions have none. */
export function toJson(key: string, value: unknown): string {
  const json: unknown = JSON.stringify(value);
  if (typeof json !== 'string') {
    throw new TypeError(
      `Cannot cache ${typeof value} under "${key}": values are stored as JSON. ` +
        'Cache null to remember that something is absent.',
    );
  }
  return json;
}

export function assertValidRule(rule: RateLimitRule): void {
  if (!Number.isInteger(rule.limit) || rule.limit < 1) {
    throw new RangeError(`limit must be a whole number of at least 1, got ${rule.limit}.`);
  }
  if (!Number.isInteger(rule.windowMs) || rule.windowMs < 1) {
    throw new RangeError(
      `windowMs must be a whole number of milliseconds of at least 1, got ${rule.windowMs}.`,
    );
  }
}
