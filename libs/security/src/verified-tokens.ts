import type { AuthenticatedUser } from './access-token.js';

type Verdict = (
  | { readonly user: AuthenticatedUser; readonly rejection?: never }
  | { readonly user?: never; readonly rejection: string }
) & {
  /** Milliseconds since the epoch after which the verdict may not be used. */
  readonly until: number;
};

/**
 * Tokens whose signature and claims were verified recently, so a client that sends the same
 * token on every call pays for the ECDSA check once, not on every request. Keyed by the whole
 * token (signature included): any other byte string is verified afresh.
 *
 * A verdict never outlives the token (`exp`, with the verifier's clock tolerance) nor the key
 * cache it was checked against (a key dropped from the JWKS stops being trusted on the same
 * schedule as without this cache). Revocation is not part of the verdict: it is asked on every
 * request. Bounded, oldest first out, so a flood of distinct tokens costs memory once.
 *
 * A refusal can be remembered too (a forged signature stays forged), with its reason.
 */
export class VerifiedTokens {
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The caller a token was verified as, while that verdict holds. */
  get(token: string): AuthenticatedUser | undefined {
    return this.current(token)?.user;
  }

  /** Why a token was refused, while that verdict holds. */
  rejection(token: string): string | undefined {
    return this.current(token)?.rejection;
  }

  remember(token: string, user: AuthenticatedUser, until: number): void {
    this.keep(token, { user, until });
  }

  reject(token: string, reason: string, until: number): void {
    this.keep(token, { rejection: reason, until });
  }

  private current(token: string): Verdict | undefined {
    const verdict = this.verdicts.get(token);
    if (!verdict) return undefined;
    if (verdict.until > this.now()) return verdict;
    this.verdicts.delete(token);
    return undefined;
  }

  private keep(token: string, verdict: Verdict): void {
    if (verdict.until <= this.now()) return;
    this.verdicts.delete(token);
    this.verdicts.set(token, verdict);
    // A Map iterates in insertion order: the first key is the oldest verdict.
    if (this.verdicts.size > this.maxEntries) {
      const oldest = this.verdicts.keys().next();
      if (!oldest.done) this.verdicts.delete(oldest.value);
    }
  }
}
