import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import type { TokenResponse } from '#atlas/contracts';
import { unauthorized } from '#atlas/http';
import type { TokenSettings } from '../auth.config.js';
import { AccessTokenIssuer } from '../tokens/access-token.issuer.js';
import { TOKEN_SETTINGS } from '../tokens/token-settings.js';
import { User } from '../users/user.entity.js';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

const invalidRefresh = () =>
  unauthorized('AUTH.INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired.');

/**
 * Sessions and refresh-token rotation (RFC 9700 §4.14): every refresh token works once and is
 * replaced; presenting one that was already used means it was copied, so the whole session
 * (the token family) is revoked and both the thief and the victim must log in again.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenIssuer,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {}

  async start(user: User): Promise<TokenResponse> {
    const session = await this.dataSource.transaction(async (manager) => {
      const created = manager.create(Session, {
        id: randomUUID(),
        userId: user.id,
        expiresAt: this.expiry(),
        revokedAt: null,
      });
      await manager.insert(Session, created);
      return { session: created, refreshToken: await this.addRefreshToken(manager, created) };
    });
    return this.tokens(user, session.session, session.refreshToken);
  }

  async refresh(presented: string): Promise<TokenResponse> {
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
      if (stored.usedAt) {
        await manager.update(Session, { id: session.id }, { revokedAt: new Date() });
        return { kind: 'reused' as const, session };
      }
      if (stored.expiresAt <= new Date()) return { kind: 'invalid' as const };
      await manager.update(RefreshToken, { tokenHash: stored.tokenHash }, { usedAt: new Date() });
      const user = await manager.findOneByOrFail(User, { id: session.userId });
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
        this.logger.warn(
          { sessionId: outcome.session.id, userId: outcome.session.userId },
          'refresh token reused: session revoked',
        );
        throw invalidRefresh();
      case 'rotated':
        return this.tokens(outcome.user, outcome.session, outcome.next);
      default: {
        const unknown: never = outcome;
        throw new Error(`unexpected refresh outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Logout: the session named by the refresh token ends, if it belongs to the caller. */
  async end(presented: string, userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const stored = await manager.findOneBy(RefreshToken, {
        tokenHash: hashOpaqueToken(presented),
      });
      if (!stored) return;
      await manager.update(
        Session,
        { id: stored.sessionId, userId, revokedAt: IsNull() },
        { revokedAt: new Date() },
      );
    });
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
