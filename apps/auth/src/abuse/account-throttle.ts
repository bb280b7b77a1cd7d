import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CacheError, RateLimitStore } from '#atlas/cache';
import { AppError, tooManyRequests } from '#atlas/http';
import {
  ACCOUNT_WINDOWS,
  BACKOFF_ACTIONS,
  FAILURE_BACKOFF,
  type ThrottledAction,
} from './abuse-limits.js';
import { FailureBackoffStore } from './failure-backoff.store.js';

/** Why an attempt was turned away, for the audit log (the client only sees 429). */
export type ThrottleReason = 'backoff' | 'window';

export class AttemptThrottled extends AppError {
  constructor(
    readonly reason: ThrottleReason,
    retryAfterMs: number,
  ) {
    const error = tooManyRequests(
      'AUTH.TOO_MANY_ATTEMPTS',
      'Too many attempts for this account; retry after the time given.',
      retryAfterMs / 1000,
    );
    super(error.code, error.status, error.message, undefined, error.retryAfterSeconds);
  }
}

/**
 * Per-account abuse limits (the gateway adds per-IP ones): a sliding window of attempts and,
 * where a secret is guessed, a progressive back-off of consecutive failures, in Redis so every
 * auth replica shares them.
 * Accounts are keyed by a hash, so no email address sits in Redis.
 *
 * Fails closed: if the store cannot answer, the attempt is refused with 503 rather than let
 * through unthrottled. Access tokens are refused then too (their revocation check needs the
 * same Redis), so signing in would not help anyone anyway.
 */
@Injectable()
export class AccountThrottle {
  constructor(
    private readonly windows: RateLimitStore,
    private readonly backoff: FailureBackoffStore,
  ) {}

  /**
   * Before checking a credential: refuses while the account is over its window or must wait
   * after failures; otherwise counts this attempt as failed until `recordSuccess` says it was
   * not. Returns the consecutive failed attempts, this one included (0 where no back-off).
   */
  async admit(action: ThrottledAction, account: string): Promise<number> {
    const key = keyOf(action, account);
    const window = await available(() => this.windows.consume(key, ACCOUNT_WINDOWS[action]));
    if (!window.allowed) throw new AttemptThrottled('window', window.retryAfterMs);
    if (!BACKOFF_ACTIONS.has(action)) return 0;
    const backoff = await available(() => this.backoff.attempt(key, FAILURE_BACKOFF));
    if (!backoff.allowed) throw new AttemptThrottled('backoff', backoff.retryAfterMs);
    return backoff.failures;
  }

  /** The credential was right: the account's failure count starts again from zero. */
  async recordSuccess(action: ThrottledAction, account: string): Promise<void> {
    if (!BACKOFF_ACTIONS.has(action)) return;
    await available(() => this.backoff.clear(keyOf(action, account)));
  }
}

function keyOf(action: ThrottledAction, account: string): string {
  return `${action}:${createHash('sha256').update(account).digest('base64url')}`;
}

async function available<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof CacheError) {
      throw new AppError(
        'AUTH.UNAVAILABLE',
        503,
        'Signing in is temporarily unavailable; retry shortly.',
        undefined,
        5,
      );
    }
    throw error;
  }
}
