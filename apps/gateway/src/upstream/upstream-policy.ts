import {
  CircuitBreaker,
  ConcurrencyLimiter,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_INSTANCE_POOL,
  DEFAULT_RETRY_BUDGET,
  InstancePool,
  ResilienceError,
  RetryBudget,
  systemClock,
  withRetries,
  withTimeout,
  type CircuitBreakerOptions,
  type Clock,
  type InstancePoolOptions,
} from '#atlas/resilience';

export interface UpstreamResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface UpstreamPolicyOptions {
  readonly name: string;
  /** Instances of the service; calls are balanced over them. */
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly attempts: number;
  readonly breaker?: CircuitBreakerOptions;
  readonly ejection?: InstancePoolOptions;
  readonly clock?: Clock;
  readonly wait?: (ms: number) => Promise<unknown>;
}

/** A 5xx answer: counted as a failure by the breaker and the instance pool, then returned. */
class FailedResponse extends Error {
  constructor(readonly response: UpstreamResponse) {
    super(`upstream answered ${response.statusCode}`);
  }
}

/**
 * How the gateway calls one upstream service, in this order: a concurrency limit (a slow
 * service cannot take every socket), retries of idempotent requests only, with jittered
 * backoff and a budget, a circuit breaker for the service, the instance chosen round-robin
 * among those not ejected, and a timeout on the call. A request that is not idempotent is
 * sent once: a POST that timed out may well have happened.
 */
export class UpstreamPolicy {
  readonly breaker: CircuitBreaker;
  readonly instances: InstancePool;
  readonly limiter: ConcurrencyLimiter;
  private readonly budget: RetryBudget;

  constructor(private readonly options: UpstreamPolicyOptions) {
    const clock = options.clock ?? systemClock;
    this.breaker = new CircuitBreaker(
      options.name,
      options.breaker ?? DEFAULT_CIRCUIT_BREAKER,
      clock,
    );
    this.instances = new InstancePool(
      options.name,
      options.urls,
      options.ejection ?? DEFAULT_INSTANCE_POOL,
      clock,
    );
    this.limiter = new ConcurrencyLimiter(options.name, options.maxConcurrent);
    this.budget = new RetryBudget(DEFAULT_RETRY_BUDGET, clock);
  }

  /**
   * Sends through `send(origin, signal)`. Resolves with the upstream's answer (a 5xx included,
   * once retries are spent) or rejects with a ResilienceError (circuit open, limit, timeout,
   * no instance) or the transport error of the last attempt. `timeoutMs` overrides the
   * upstream's timeout for one route (an upload, say).
   */
  call(
    idempotent: boolean,
    send: (origin: string, signal: AbortSignal) => Promise<UpstreamResponse>,
    timeoutMs = this.options.timeoutMs,
  ): Promise<UpstreamResponse> {
    return this.limiter.run(async () => {
      try {
        return await withRetries(() => this.attempt(send, timeoutMs), {
          attempts: idempotent ? this.options.attempts : 1,
          baseDelayMs: 50,
          maxDelayMs: 1_000,
          budget: this.budget,
          isRetryable: (error) => isRetryable(error),
          ...(this.options.wait ? { wait: this.options.wait } : {}),
        });
      } catch (error) {
        if (error instanceof FailedResponse) return error.response;
        throw error;
      }
    });
  }

  private attempt(
    send: (origin: string, signal: AbortSignal) => Promise<UpstreamResponse>,
    timeoutMs: number,
  ): Promise<UpstreamResponse> {
    return this.breaker.execute(
      async () => {
        const origin = this.instances.pick();
        try {
          const response = await withTimeout(this.options.name, timeoutMs, (signal) =>
            send(origin, signal),
          );
          const failed = response.statusCode >= 500;
          this.instances.report(origin, !failed);
          if (failed) throw new FailedResponse(response);
          return response;
        } catch (error) {
          if (!(error instanceof FailedResponse)) this.instances.report(origin, false);
          throw error;
        }
      },
      // A breaker that is already open, or a missing instance, is not news about the service.
      (error) => !(error instanceof ResilienceError && error.code !== 'RESILIENCE.TIMEOUT'),
    );
  }
}

/**
 * Any 5xx of an idempotent request is worth another try, most likely on another instance (as
 * Envoy's `retry_on: 5xx` and .NET's standard resilience handler do); the budget stops this
 * from multiplying the load when the whole service fails.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof FailedResponse) return true;
  if (error instanceof ResilienceError) return error.code === 'RESILIENCE.TIMEOUT';
  // Connection refused or reset, a socket closed early: the request may go elsewhere.
  return error instanceof Error;
}
