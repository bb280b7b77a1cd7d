/**
 * Why a call was not made or did not finish. Each carries a stable code and, where it helps the
 * caller, when to try again; the gateway turns them into 503/504 problems with Retry-After.
 */
export class ResilienceError extends Error {
  constructor(
    readonly code:
      | 'RESILIENCE.CIRCUIT_OPEN'
      | 'RESILIENCE.CONCURRENCY_LIMIT'
      | 'RESILIENCE.TIMEOUT'
      | 'RESILIENCE.NO_INSTANCE',
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ResilienceError';
  }
}

export const circuitOpen = (name: string, retryAfterMs: number) =>
  new ResilienceError(
    'RESILIENCE.CIRCUIT_OPEN',
    `${name} is failing; calls are paused for a moment.`,
    retryAfterMs,
  );

export const concurrencyLimit = (name: string) =>
  new ResilienceError(
    'RESILIENCE.CONCURRENCY_LIMIT',
    `${name} has too many calls in flight.`,
    1_000,
  );

export const timedOut = (name: string, timeoutMs: number) =>
  new ResilienceError('RESILIENCE.TIMEOUT', `${name} did not answer within ${timeoutMs} ms.`);

export const noInstance = (name: string, retryAfterMs: number) =>
  new ResilienceError(
    'RESILIENCE.NO_INSTANCE',
    `No healthy instance of ${name} is available.`,
    retryAfterMs,
  );
