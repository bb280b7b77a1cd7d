import { systemClock, type Clock } from './clock.js';
import { circuitOpen } from './resilience.errors.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Opens when at least this share of the calls in the window failed... */
  readonly failureRateThreshold: number;
  /** ...and the window holds at least this many calls (a few failures prove nothing). */
  readonly minimumCalls: number;
  /** How far back the window looks. */
  readonly windowMs: number;
  /** How long to stay open before letting probes through. */
  readonly openMs: number;
  /** Probes allowed at once while half-open; one success closes, one failure reopens. */
  readonly halfOpenProbes: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = {
  failureRateThreshold: 0.5,
  minimumCalls: 20,
  windowMs: 10_000,
  openMs: 5_000,
  halfOpenProbes: 1,
};

interface Outcome {
  readonly at: number;
  readonly failed: boolean;
}

/**
 * A circuit breaker per upstream (the standard three states). While closed, calls go through
 * and their outcomes are counted over a sliding time window; when too many fail, it opens and
 * refuses calls at once, so a failing service is not hammered and callers get an answer without
 * waiting for timeouts; after `openMs` it lets a few probes through (half-open) and closes on
 * success or opens again on failure.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  /**
   * The calls of the window, oldest first, from `oldest` on, and how many of them failed. The
   * expired ones at the front are skipped by moving `oldest`, and only cut off once they are
   * half the array: splicing the front on every call would move the whole window (20 000
   * entries at 2 000 calls/s) each time.
   */
  private outcomes: Outcome[] = [];
  private oldest = 0;
  private failures = 0;
  private openedAt = 0;
  private probesInFlight = 0;
  private readonly listeners: ((state: CircuitState) => void)[] = [];

  constructor(
    readonly name: string,
    private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_BREAKER,
    private readonly clock: Clock = systemClock,
  ) {}

  get state(): CircuitState {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.options.openMs) {
      this.transition('half-open');
    }
    return this.current;
  }

  /** Called on every state change, e.g. to export the state as a metric. */
  onStateChange(listener: (state: CircuitState) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Runs `call` if the breaker allows it; `isFailure` decides which errors count (a 404 from a
   * healthy service should not open the circuit).
   */
  async execute<T>(
    call: () => Promise<T>,
    isFailure: (error: unknown) => boolean = () => true,
  ): Promise<T> {
    const admitted = this.admit();
    try {
      const result = await call();
      this.record(false, admitted);
      return result;
    } catch (error) {
      this.record(isFailure(error), admitted);
      throw error;
    }
  }

  private admit(): 'call' | 'probe' {
    const state = this.state;
    switch (state) {
      case 'closed':
        return 'call';
      case 'open':
        throw circuitOpen(this.name, this.openedAt + this.options.openMs - this.clock.now());
      case 'half-open':
        if (this.probesInFlight >= this.options.halfOpenProbes) {
          throw circuitOpen(this.name, this.options.openMs);
        }
        this.probesInFlight += 1;
        return 'probe';
      default: {
        const unknown: never = state;
        throw new Error(`unknown circuit state ${String(unknown)}`);
      }
    }
  }

  private record(failed: boolean, admitted: 'call' | 'probe'): void {
    if (admitted === 'probe') {
      this.probesInFlight -= 1;
      if (failed) this.open();
      else this.close();
      return;
    }
    if (this.current !== 'closed') return;
    const now = this.clock.now();
    this.outcomes.push({ at: now, failed });
    if (failed) this.failures += 1;
    // Outcomes arrive in time order, so the expired ones are at the front.
    while (this.oldest < this.outcomes.length) {
      const outcome = this.outcomes[this.oldest];
      if (!outcome || now - outcome.at < this.options.windowMs) break;
      if (outcome.failed) this.failures -= 1;
      this.oldest += 1;
    }
    if (this.oldest > this.outcomes.length / 2) {
      this.outcomes = this.outcomes.slice(this.oldest);
      this.oldest = 0;
    }
    const calls = this.outcomes.length - this.oldest;
    if (
      calls >= this.options.minimumCalls &&
      this.failures / calls >= this.options.failureRateThreshold
    ) {
      this.open();
    }
  }

  private open(): void {
    this.openedAt = this.clock.now();
    this.outcomes = [];
    this.oldest = 0;
    this.failures = 0;
    this.transition('open');
  }

  private close(): void {
    this.outcomes = [];
    this.oldest = 0;
    this.failures = 0;
    this.transition('closed');
  }

  private transition(state: CircuitState): void {
    if (this.current === state) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
