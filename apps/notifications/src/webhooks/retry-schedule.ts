export interface RetrySchedule {
  /** Attempts in all, the first included; after the last failed one, the delivery is dead-lettered. */
  readonly maxAttempts: number;
  /** The wait after the first failure; it doubles with each further one. */
  readonly baseDelayMs: number;
  /** The longest wait between two attempts. */
  readonly maxDelayMs: number;
}

/**
 * How long to wait after failed attempt number `attempt` (1 for the first): exponential, with
 * "equal jitter": half the step is fixed, half random, so retries keep growing but receivers
 * coming back from an outage are not hit by every sender in the same second.
 */
export function retryDelayMs(
  schedule: RetrySchedule,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
