import type { RateLimitRule } from '#atlas/cache';

/** What the auth service limits per account; the gateway limits the same routes per client IP. */
export type ThrottledAction = 'login' | 'mfa' | 'refresh' | 'registration';

/**
 * Attempts per account in a sliding window, successes included: a ceiling on how fast one
 * account can be worked on, whatever the outcome. The account is the normalised email (login,
 * registration), the user (MFA) or the session (refresh).
 */
export const ACCOUNT_WINDOWS: Readonly<Record<ThrottledAction, RateLimitRule>> = {
  login: { limit: 60, windowMs: 5 * 60_000 },
  mfa: { limit: 20, windowMs: 5 * 60_000 },
  refresh: { limit: 30, windowMs: 60_000 },
  registration: { limit: 3, windowMs: 60 * 60_000 },
};

/** Where a secret is guessed, so consecutive failures make the account wait. */
export const BACKOFF_ACTIONS: ReadonlySet<ThrottledAction> = new Set(['login', 'mfa']);

export interface BackoffPolicy {
  /** Consecutive failures allowed before the account has to wait (typos happen). */
  readonly freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long failures are remembered without a new one. */
  readonly memoryMs: number;
}

/**
 * Progressive slowdown of consecutive failures on one account (NIST SP 800-63B §5.2.2 asks
 * for at most 100 before a lockout): 4 free, then 15 s, 30 s, 1 min, ... up to 15 min per
 * attempt from the 11th on, so 100 consecutive failures would take about a day. A success
 * clears it. The lock is temporary by design: a permanent one would let anyone lock anyone out.
 */
export const FAILURE_BACKOFF: BackoffPolicy = {
  freeFailures: 4,
  baseDelayMs: 15_000,
  maxDelayMs: 15 * 60_000,
  memoryMs: 24 * 60 * 60_000,
};

/** How long the account must wait after its `failures`-th consecutive failure. */
export function backoffDelayMs(failures: number, policy: BackoffPolicy = FAILURE_BACKOFF): number {
  if (failures <= policy.freeFailures) return 0;
  const doublings = failures - policy.freeFailures - 1;
  return Math.min(policy.baseDelayMs * 2 ** Math.min(doublings, 30), policy.maxDelayMs);
}
