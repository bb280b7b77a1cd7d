import type { BackoffPolicy } from './abuse-limits.js';

export interface BackoffDecision {
  readonly allowed: boolean;
  /** How long to wait when refused. */
  readonly retryAfterMs: number;
  /** Consecutive unsuccessful attempts, this one included (when allowed). */
  readonly failures: number;
}

/**
 * Consecutive failed attempts per key and the wait they impose, shared by every auth replica
 * (Redis) or kept in this process (embedded mode).
 *
 * Counting is pessimistic: `attempt` refuses while the key must wait and otherwise counts the
 * attempt as a failure at once, in one atomic step; `clear` takes it back when it succeeds.
 * Counting failures only after they happened would let an attacker fire many guesses in
 * parallel, all admitted before the first failure was recorded.
 */
export abstract class FailureBackoffStore {
  abstract attempt(key: string, policy: BackoffPolicy): Promise<BackoffDecision>;

  abstract clear(key: string): Promise<void>;
}
