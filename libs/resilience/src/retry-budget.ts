import { systemClock, type Clock } from './clock.js';

export interface RetryBudgetOptions {
  /** Retries may add at most this share of the calls made (0.2: one retry per five calls). */
  readonly ratio: number;
  /** ...plus this many retries per window whatever the traffic, so quiet services can retry. */
  readonly minRetriesPerWindow: number;
  readonly windowMs: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetOptions = {
  ratio: 0.2,
  minRetriesPerWindow: 10,
  windowMs: 10_000,
};

/**
 * Bounds retries to a share of the traffic, as Envoy and Finagle do. A per-call retry limit
 * alone multiplies the load on a service that is already failing (three tries each is three
 * times the traffic); a budget keeps retries for the occasional failure and stops them when
 * everything fails.
 */
export class RetryBudget {
  private calls: number[] = [];
  private retries: number[] = [];

  constructor(
    private readonly options: RetryBudgetOptions = DEFAULT_RETRY_BUDGET,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Counts a first attempt. */
  recordCall(): void {
    this.calls.push(this.clock.now());
  }

  /** Takes a retry from the budget if there is one left. */
  tryRetry(): boolean {
    const now = this.clock.now();
    this.calls = this.calls.filter((at) => now - at < this.options.windowMs);
    this.retries = this.retries.filter((at) => now - at < this.options.windowMs);
    const allowed = this.options.minRetriesPerWindow + this.options.ratio * this.calls.length;
    if (this.retries.length >= allowed) return false;
    this.retries.push(now);
    return true;
  }
}
