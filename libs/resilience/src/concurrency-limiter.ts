import { concurrencyLimit } from './resilience.errors.js';

/**
 * A bulkhead: at most `limit` calls to one upstream at a time; the next is refused at once
 * (RESILIENCE.CONCURRENCY_LIMIT) instead of queueing, so one slow service cannot take every
 * connection and all the memory of the caller with it.
 */
export class ConcurrencyLimiter {
  private inFlight = 0;

  constructor(
    readonly name: string,
    readonly limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`concurrency limit of ${name} must be a whole number >= 1`);
    }
  }

  get active(): number {
    return this.inFlight;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.limit) throw concurrencyLimit(this.name);
    this.inFlight += 1;
    try {
      return await call();
    } finally {
      this.inFlight -= 1;
    }
  }
}
