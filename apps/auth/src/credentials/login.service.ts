import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LoginRequest, LoginResponse } from '#atlas/contracts';
import { unauthorized } from '#atlas/http';
import { AccountThrottle, AttemptThrottled } from '../abuse/account-throttle.js';
import { AuditLog, emailFingerprint } from '../audit/audit-log.js';
import type { ClientContext } from '../audit/client-context.js';
import { MfaChallenges } from '../mfa/mfa-challenges.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { normalizeEmail } from '../users/normalize-email.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './password-hasher.js';

export const invalidCredentials = () =>
  unauthorized('AUTH.INVALID_CREDENTIALS', 'The email or password is incorrect.');

/**
 * Password login. Unknown email, wrong password and disabled account get the same answer
 * after the same amount of work, and count the same against the account's limits, so
 * neither the answer, its timing nor the throttling tells an attacker which accounts exist.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly throttle: AccountThrottle,
    private readonly challenges: MfaChallenges,
    private readonly audit: AuditLog,
  ) {}

  async login(request: LoginRequest, client: ClientContext): Promise<LoginResponse> {
    const account = normalizeEmail(request.email);
    const user = await this.users.findByEmail(account);
    let attempt: number;
    try {
      attempt = await this.throttle.admit('login', account);
    } catch (error) {
      if (error instanceof AttemptThrottled) {
        await this.audit.recordAlone({
          type: 'login.throttled',
          userId: user?.id ?? null,
          clientIp: client.ip,
          details: {
            reason: error.reason,
            ...(user ? {} : { emailHash: emailFingerprint(account) }),
          },
        });
      }
      throw error;
    }

    const valid = user?.passwordHash
      ? await this.hasher.verify(user.passwordHash, request.password)
      : await this.hasher.verifyDecoy(request.password);
    if (!user || !valid || user.disabledAt) {
      await this.audit.recordAlone({
        type: 'login.failed',
        userId: user?.id ?? null,
        clientIp: client.ip,
        details: {
          reason: !user ? 'unknown-account' : !valid ? 'wrong-password' : 'account-disabled',
          consecutiveFailures: attempt,
          ...(user ? {} : { emailHash: emailFingerprint(account) }),
        },
      });
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess('login', account);
    await this.upgradeHash(user, request.password);
    return this.afterPrimaryFactor(user, client, 'password');
  }

  /**
   * The password (or an external provider) has vouched for the user: with MFA on, that buys
   * an `mfaToken` for /v1/auth/mfa/verify only; without, a session.
   */
  async afterPrimaryFactor(
    user: User,
    client: ClientContext,
    method: 'password' | 'oidc',
  ): Promise<LoginResponse> {
    if (await this.users.mfaEnabled(user.id)) {
      const mfaToken = await this.challenges.open(user, { clientIp: client.ip, method });
      return { mfaRequired: true, mfaToken };
    }
    return this.sessions.start(user, {
      type: 'login.succeeded',
      clientIp: client.ip,
      details: { method },
    });
  }

  /** argon2id parameters went up since this hash was made: replace it while we have the password. */
  private async upgradeHash(user: User, password: string): Promise<void> {
    if (!user.passwordHash || !this.hasher.needsRehash(user.passwordHash)) return;
    const passwordHash = await this.hasher.hash(password);
    // Only if unchanged since we read it: a password change in between wins.
    await this.dataSource
      .getRepository(User)
      .update({ id: user.id, passwordHash: user.passwordHash }, { passwordHash });
  }
}
