import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { hashOpaqueToken, newOpaqueToken } from '../sessions/opaque-token.js';
import type { User } from '../users/user.entity.js';
import { MfaChallenge } from './mfa-challenge.entity.js';

/** Long enough to open an authenticator app, short enough to be useless when stolen later. */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one challenge takes before it is spent (the account's back-off also applies). */
export const MAX_CHALLENGE_FAILURES = 5;

/**
 * The `mfaToken` of a two-step login: an opaque random token, stored hashed, usable only at
 * /v1/auth/mfa/verify. It is not a JWT, so no verifier anywhere can mistake it for an access
 * token; it expires in minutes and dies after a few wrong codes or one right one.
 */
@Injectable()
export class MfaChallenges {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async open(
    user: User,
    context: { clientIp: string; method: 'password' | 'oidc' },
  ): Promise<string> {
    const token = newOpaqueToken();
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(MfaChallenge, {
        tokenHash: hashOpaqueToken(token),
        userId: user.id,
        expiresAt: new Date(Date.now() + CHALLENGE_TTL_MS),
        failedAttempts: 0,
        consumedAt: null,
      });
      await this.audit.record(manager, {
        type: 'login.mfa-required',
        userId: user.id,
        clientIp: context.clientIp,
        details: { method: context.method },
      });
    });
    return token;
  }

  /** The challenge behind a token, live or not, locked for the rest of the transaction. */
  lock(manager: EntityManager, token: string): Promise<MfaChallenge | null> {
    return manager.findOne(MfaChallenge, {
      where: { tokenHash: hashOpaqueToken(token) },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Not used yet, not expired, and not worn out by wrong codes. */
  isLive(challenge: MfaChallenge): boolean {
    return (
      !challenge.consumedAt &&
      challenge.expiresAt > new Date() &&
      challenge.failedAttempts < MAX_CHALLENGE_FAILURES
    );
  }

  async fail(manager: EntityManager, challenge: MfaChallenge): Promise<void> {
    const failedAttempts = challenge.failedAttempts + 1;
    await manager.update(
      MfaChallenge,
      { tokenHash: challenge.tokenHash },
      {
        failedAttempts,
        ...(failedAttempts >= MAX_CHALLENGE_FAILURES ? { consumedAt: new Date() } : {}),
      },
    );
  }

  async consume(manager: EntityManager, challenge: MfaChallenge): Promise<void> {
    await manager.update(
      MfaChallenge,
      { tokenHash: challenge.tokenHash },
      { consumedAt: new Date() },
    );
  }
}
