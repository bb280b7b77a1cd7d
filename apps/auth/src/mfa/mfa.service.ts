import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecoveryCodesResponse, TokenResponse, TotpSetupResponse } from '#atlas/contracts';
import { AppError, conflict, unauthorized } from '#atlas/http';
import type { AuthenticatedUser } from '#atlas/security';
import { AccountThrottle } from '../abuse/account-throttle.js';
import { AuditLog } from '../audit/audit-log.js';
import type { ClientContext } from '../audit/client-context.js';
import { EncryptionKeyring } from '../crypto/encryption-keyring.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';
import { MfaChallenges } from './mfa-challenges.js';
import { RecoveryCode } from './recovery-code.entity.js';
import {
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-codes.js';
import { TotpCredential } from './totp-credential.entity.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';

type SecondFactor = 'totp' | 'recovery-code';

/** One answer for every failed second step: which part failed is none of the caller's business. */
const mfaFailed = () =>
  unauthorized('AUTH.MFA_FAILED', 'The code is wrong, or the sign-in attempt has expired.');
const invalidCode = () =>
  new AppError('AUTH.INVALID_MFA_CODE', 422, 'The code is not valid; use a current code.');

/**
 * TOTP (RFC 6238) as a second factor: setup, enable and disable (each confirmed with a code),
 * the second step of a login, and ten single-use recovery codes. Each accepted TOTP code moves
 * the account's last used time step forward under a row lock, so a code is accepted once, even
 * by two replicas at the same instant. Secrets are encrypted at rest (AES-256-GCM).
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keyring: EncryptionKeyring,
    private readonly challenges: MfaChallenges,
    private readonly sessions: SessionsService,
    private readonly throttle: AccountThrottle,
    private readonly audit: AuditLog,
  ) {}

  /** A new secret, pending until enabled with a code from it; replaces an earlier pending one. */
  async setup(caller: AuthenticatedUser): Promise<TotpSetupResponse> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneByOrFail(User, { id: caller.id });
      const existing = await manager.findOne(TotpCredential, {
        where: { userId: caller.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing?.enabledAt) {
        throw conflict('AUTH.MFA_ALREADY_ENABLED', 'MFA is already on; disable it first.');
      }
      const secret = newTotpSecret();
      await manager.upsert(
        TotpCredential,
        {
          userId: caller.id,
          secretEncrypted: this.keyring.encrypt(secret, contextOf(caller.id)),
          enabledAt: null,
          lastUsedStep: 0,
        },
        ['userId'],
      );
      return { secret, otpauthUrl: totpUri(secret, user.email) };
    });
  }

  async enable(
    caller: AuthenticatedUser,
    code: string,
    client: ClientContext,
  ): Promise<RecoveryCodesResponse> {
    await this.throttle.admit('mfa', caller.id);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const credential = await this.lockCredential(manager, caller.id);
      if (!credential) {
        throw conflict('AUTH.MFA_NOT_SET_UP', 'Call /v1/auth/mfa/totp/setup first.');
      }
      if (credential.enabledAt) throw conflict('AUTH.MFA_ALREADY_ENABLED', 'MFA is already on.');
      const step = await verifyTotp(this.secretOf(credential), code, credential.lastUsedStep);
      if (step === undefined) return { kind: 'invalid' as const };

      await manager.update(
        TotpCredential,
        { userId: caller.id },
        { enabledAt: new Date(), lastUsedStep: step },
      );
      await manager.delete(RecoveryCode, { userId: caller.id });
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await manager.insert(
        RecoveryCode,
        recoveryCodes.map((recovery) => ({
          codeHash: hashRecoveryCode(recovery),
          userId: caller.id,
          usedAt: null,
        })),
      );
      const ended = await this.sessions.endSessionsOf(manager, caller.id, caller.sessionId);
      await this.audit.record(manager, {
        type: 'mfa.enabled',
        userId: caller.id,
        sessionId: caller.sessionId,
        clientIp: client.ip,
        details: { otherSessionsEnded: ended.length },
      });
      return { kind: 'enabled' as const, recoveryCodes };
    });
    if (outcome.kind === 'invalid') throw invalidCode();
    await this.throttle.recordSuccess('mfa', caller.id);
    return { recoveryCodes: outcome.recoveryCodes };
  }

  /** Needs a current TOTP code or an unused recovery code (for a lost authenticator). */
  async disable(caller: AuthenticatedUser, code: string, client: ClientContext): Promise<void> {
    await this.throttle.admit('mfa', caller.id);
    const disabled = await this.dataSource.transaction(async (manager) => {
      const credential = await this.lockCredential(manager, caller.id);
      if (!credential?.enabledAt) throw conflict('AUTH.MFA_NOT_ENABLED', 'MFA is not on.');
      const factor = await this.checkSecondFactor(manager, credential, code);
      if (!factor) return false;
      await manager.delete(TotpCredential, { userId: caller.id });
      await manager.delete(RecoveryCode, { userId: caller.id });
      const ended = await this.sessions.endSessionsOf(manager, caller.id, caller.sessionId);
      await this.audit.record(manager, {
        type: 'mfa.disabled',
        userId: caller.id,
        sessionId: caller.sessionId,
        clientIp: client.ip,
        details: { secondFactor: factor, otherSessionsEnded: ended.length },
      });
      return true;
    });
    if (!disabled) throw invalidCode();
    await this.throttle.recordSuccess('mfa', caller.id);
  }

  /** The second step of a login: the mfaToken from the first step and a code. */
  async verifyLogin(mfaToken: string, code: string, client: ClientContext): Promise<TokenResponse> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const challenge = await this.challenges.lock(manager, mfaToken);
      if (!challenge) return { kind: 'unknown' as const };
      // The account's back-off first, so a spent challenge also answers "wait".
      await this.throttle.admit('mfa', challenge.userId);
      if (!this.challenges.isLive(challenge)) return { kind: 'unknown' as const };
      const user = await manager.findOneByOrFail(User, { id: challenge.userId });
      const credential = await this.lockCredential(manager, user.id);
      const factor =
        credential?.enabledAt && !user.disabledAt
          ? await this.checkSecondFactor(manager, credential, code)
          : undefined;
      if (!factor) {
        await this.challenges.fail(manager, challenge);
        await this.audit.record(manager, {
          type: 'mfa.verify-failed',
          userId: user.id,
          clientIp: client.ip,
          details: { attempt: challenge.failedAttempts + 1 },
        });
        return { kind: 'failed' as const };
      }
      await this.challenges.consume(manager, challenge);
      if (factor === 'recovery-code') {
        await this.audit.record(manager, {
          type: 'mfa.recovery-code-used',
          userId: user.id,
          clientIp: client.ip,
        });
      }
      return { kind: 'verified' as const, user, factor };
    });

    switch (outcome.kind) {
      case 'unknown':
        throw mfaFailed();
      case 'failed':
        throw mfaFailed();
      case 'verified':
        await this.throttle.recordSuccess('mfa', outcome.user.id);
        return this.sessions.start(outcome.user, {
          type: 'login.succeeded',
          clientIp: client.ip,
          details: { secondFactor: outcome.factor },
        });
      default: {
        const unknown: never = outcome;
        throw new Error(`unexpected MFA outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private lockCredential(manager: EntityManager, userId: string): Promise<TotpCredential | null> {
    return manager.findOne(TotpCredential, {
      where: { userId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** A TOTP code (moving the last used step forward) or an unused recovery code (spending it). */
  private async checkSecondFactor(
    manager: EntityManager,
    credential: TotpCredential,
    code: string,
  ): Promise<SecondFactor | undefined> {
    if (/^\d{6}$/.test(code)) {
      const secret = this.secretOf(credential);
      const step = await verifyTotp(secret, code, credential.lastUsedStep);
      if (step === undefined) return undefined;
      await manager.update(
        TotpCredential,
        { userId: credential.userId },
        {
          lastUsedStep: step,
          // Encrypted under a key that has since been rotated: move it to the current one.
          ...(this.keyring.isStale(credential.secretEncrypted)
            ? { secretEncrypted: this.keyring.encrypt(secret, contextOf(credential.userId)) }
            : {}),
        },
      );
      return 'totp';
    }
    if (looksLikeRecoveryCode(code)) {
      const spent = await manager
        .createQueryBuilder()
        .update(RecoveryCode)
        .set({ usedAt: () => 'now()' })
        .where('code_hash = :hash AND user_id = :userId AND used_at IS NULL', {
          hash: hashRecoveryCode(code),
          userId: credential.userId,
        })
        .execute();
      return spent.affected === 1 ? 'recovery-code' : undefined;
    }
    return undefined;
  }

  private secretOf(credential: TotpCredential): string {
    return this.keyring.decrypt(credential.secretEncrypted, contextOf(credential.userId));
  }
}

function contextOf(userId: string): string {
  return `totp:${userId}`;
}
