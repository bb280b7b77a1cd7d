/** Exponential backoff: the delay doubles per attempt from `initialDelayMs` up to `maxDelayMs`. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The delay before retry number `attempt` (1-based), with "equal jitter": half of the
 * exponential delay is fixed and half is random, so replicas that failed together do not retry
 * in lockstep, yet every retry still waits at least half the nominal delay.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const nominal = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
