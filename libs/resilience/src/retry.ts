import { sleep } from './sleep.js';
import { backoffDelay } from './backoff.js';
import type { RetryBudget } from './retry-budget.js';

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Only idempotent calls that failed in a way worth repeating. */
  readonly isRetryable: (error: unknown) => boolean;
  readonly budget?: RetryBudget;
  readonly random?: () => number;
  readonly wait?: (ms: number) => Promise<unknown>;
}

/**
 * Retries with exponential backoff and full jitter (a random delay up to the exponential cap),
 * which spreads the retries of many clients instead of sending them back in waves.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const random = options.random ?? Math.random;
  const wait = options.wait ?? sleep;
  options.budget?.recordCall();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      const last = attempt >= options.attempts;
      if (last || !options.isRetryable(error) || !(options.budget?.tryRetry() ?? true)) {
        throw error;
      }
      await wait(
        backoffDelay(
          attempt,
          { initialDelayMs: options.baseDelayMs, maxDelayMs: options.maxDelayMs, jitter: 'full' },
          random,
        ),
      );
    }
  }
}
