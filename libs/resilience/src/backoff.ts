/**
 * Exponential backoff, the one schedule every retry and polling loop in Atlas waits by: the
 * delay doubles per attempt from `initialDelayMs` up to `maxDelayMs`, with jitter so that
 * replicas (or clients) that failed together do not come back in lockstep.
 */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * `equal` (the default) waits at least half the nominal delay, the rest random: a loop that
   * must not hammer a failing dependency. `full` waits anything up to the nominal delay, which
   * spreads many clients' retries most evenly (the AWS "full jitter" result).
   */
  readonly jitter?: 'equal' | 'full';
}

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(30, Math.max(0, attempt - 1));
  const nominal = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  const jitter = options.jitter ?? 'equal';
  switch (jitter) {
    case 'equal':
      return Math.round(nominal / 2 + random() * (nominal / 2));
    case 'full':
      return Math.floor(random() * nominal);
    default: {
      const unknown: never = jitter;
      throw new Error(`Unknown jitter ${String(unknown)}`);
    }
  }
}
