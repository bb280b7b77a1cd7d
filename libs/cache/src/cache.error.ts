/** Stable codes for what can go wrong between a service and its cache or rate-limit store. */
export type CacheErrorCode = 'CACHE.UNAVAILABLE' | 'CACHE.UNHEALTHY';

/**
 * An infrastructure failure of the cache: not an HTTP error (at the edge it is a 500, or a
 * not-ready probe); the `code` is for logs, alerts, tests, and for callers that choose to fail
 * open (serve without the cache) rather than closed.
 */
export class CacheError extends Error {
  override readonly name = 'CacheError';

  constructor(
    readonly code: CacheErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
