import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, Not, type EntityManager } from 'typeorm';
import type { TokenResponse } from '#atlas/contracts';
import { unauthorized } from '#atlas/http';
import { CLOCK_TOLERANCE_S, SessionRevocations } from '#atlas/security';
import { AccountThrottle } from '../abuse/account-throttle.js';
import { AuditLog, type AuditEntry } from '../audit/audit-log.js';
import type { TokenSettings } from '../auth.config.js';
import { AccessTokenIssuer } from '../tokens/access-token.issuer.js';
import { TOKEN_SETTINGS } from '../tokens/token-settings.js';
import { User } from '../users/user.entity.js';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

const invalidRefresh = () =>
  unauthorized('AUTH.INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired.');

/** What the audit log should say about a new session; its id is filled in. */
export type SessionAudit = Omit<AuditEntry, 'sessionId' | 'userId'>;

/**
 * Sessions and refresh-token rotation (RFC 9700 §4.14): every refresh token works once and is
 * replaced; presenting one that was already used means it was copied, so the whole session
 * (the token family) is revoked and both the thief and the victim must log in again.
 *
 * Ending a session also records it in the revocation store every verifier reads, inside the
 * transaction: if that write fails, the session stays as it was and the caller gets an error,
 * rather than a session that is over in the database but whose access tokens still work.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly revocations: SessionRevocations,
    private readonly throttle: AccountThrottle,
    private readonly audit: AuditLog,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {}

  async start(user: User, audit: SessionAudit): Promise<TokenResponse> {
    const { session, refreshToken } = await this.dataSource.transaction(async (manager) => {
      const created = manager.create(Session, {
        id: randomUUID(),
        userId: user.id,
        expiresAt: this.expiry(),
        revokedAt: null,
      });
      await manager.insert(Session, created);
      await this.audit.record(manager, { ...audit, userId: user.id, sessionId: created.id });
      return { session: created, refreshToken: await this.addRefreshToken(manager, created) };
    });
    return this.tokens(user, session, refreshToken);
  }

  async refresh(presented: string, clientIp: string): Promise<TokenResponse> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const stored = await manager.findOne(RefreshToken, {
        where: { tokenHash: hashOpaqueToken(presented) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) return { kind: 'invalid' as const };
      const session = await manager.findOneBy(Session, { id: stored.sessionId });
      if (!session || session.revokedAt || session.expiresAt <= new Date()) {
        return { kind: 'invalid' as const };
      }
      await this.throttle.admit('refresh', session.id);
      if (stored.usedAt) return { kind: 'reused' as const, session };
      if (stored.expiresAt <= new Date()) return { kind: 'invalid' as const };
      const user = await manager.findOneByOrFail(User, { id: session.userId });
      if (user.disabledAt) return { kind: 'invalid' as const };
      await manager.update(RefreshToken, { tokenHash: stored.tokenHash }, { usedAt: new Date() });
      return {
        kind: 'rotated' as const,
        session,
        user,
        next: await this.addRefreshToken(manager, session),
      };
    });

    switch (outcome.kind) {
      case 'invalid':
        throw invalidRefresh();
      case 'reused':
        // Its own transaction, after the lookup: the family must end even though this
        // request fails.
        await this.dataSource.transaction(async (manager) => {
          await this.revoke(manager, [outcome.session.id]);
          await this.audit.record(manager, {
            type: 'refresh.reuse-detected',
            userId: outcome.session.userId,
            sessionId: outcome.session.id,
            clientIp,
          });
        });
        throw invalidRefresh();
      case 'rotated':
        return this.tokens(outcome.user, outcome.session, outcome.next);
      default: {
        const unknown: never = outcome;
        throw new Error(`unexpected refresh outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Logout: ends the caller's current session, and the one the refresh token names if it is
   * also the caller's. A token that is unknown or someone else's changes nothing else.
   */
  async end(
    presented: string,
    caller: { readonly id: string; readonly sessionId: string },
    clientIp: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const stored = await manager.findOneBy(RefreshToken, {
        tokenHash: hashOpaqueToken(presented),
      });
      const named = stored
        ? await manager.findOneBy(Session, { id: stored.sessionId, userId: caller.id })
        : null;
      const ids = [...new Set([caller.sessionId, ...(named ? [named.id] : [])])];
      const ended = await this.revoke(manager, ids, caller.id);
      for (const sessionId of ended) {
        await this.audit.record(manager, {
          type: 'logout',
          userId: caller.id,
          sessionId,
          clientIp,
        });
      }
    });
  }

  /**
   * Ends every session of the user but `keep` (the one making a password or MFA change), or
   * all of them (a role change, a disabled account). Returns the ended session ids.
   */
  async endSessionsOf(
    manager: EntityManager,
    userId: string,
    keep: string | null,
  ): Promise<string[]> {
    const live = await manager.find(Session, {
      select: { id: true },
      where: { userId, revokedAt: IsNull(), ...(keep ? { id: Not(keep) } : {}) },
    });
    return this.revoke(
      manager,
      live.map((session) => session.id),
      userId,
    );
  }

  private async revoke(
    manager: EntityManager,
    sessionIds: readonly string[],
    userId?: string,
  ): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const live = await manager.find(Session, {
      select: { id: true },
      where: { id: In([...sessionIds]), revokedAt: IsNull(), ...(userId ? { userId } : {}) },
    });
    const ids = live.map((session) => session.id);
    if (ids.length === 0) return [];
    await manager.update(Session, { id: In(ids) }, { revokedAt: new Date() });
    // Long enough for the last access token of these sessions to expire, then forgotten.
    await this.revocations.revoke(ids, this.settings.accessTtlSeconds + CLOCK_TOLERANCE_S + 60);
    return ids;
  }

  private async addRefreshToken(manager: EntityManager, session: Session): Promise<string> {
    const token = newOpaqueToken();
    await manager.insert(RefreshToken, {
      tokenHash: hashOpaqueToken(token),
      sessionId: session.id,
      expiresAt: session.expiresAt,
      usedAt: null,
    });
    return token;
  }

  private async tokens(user: User, session: Session, refreshToken: string): Promise<TokenResponse> {
    const accessToken = await this.accessTokens.issue({
      userId: user.id,
      sessionId: session.id,
      roles: user.roles,
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      tokenType: 'Bearer',
    };
  }

  private expiry(): Date {
    return new Date(Date.now() + this.settings.refreshTtlSeconds * 1000);
  }
}
