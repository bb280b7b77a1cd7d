import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChangePasswordRequest } from '#atlas/contracts';
import { AppError } from '#atlas/http';
import type { AuthenticatedUser } from '#atlas/security';
import { AccountThrottle } from '../abuse/account-throttle.js';
import { AuditLog } from '../audit/audit-log.js';
import type { ClientContext } from '../audit/client-context.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordPolicy } from './password-policy.js';

const wrongPassword = () =>
  new AppError('AUTH.WRONG_PASSWORD', 422, 'The current password is not correct.');

/**
 * A password change needs the current password (a stolen access token alone cannot take the
 * account over), counts wrong guesses against the same back-off as the login, and ends every
 * other session of the user: whoever knew the old password is signed out.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly sessions: SessionsService,
    private readonly throttle: AccountThrottle,
    private readonly audit: AuditLog,
  ) {}

  async change(
    caller: AuthenticatedUser,
    request: ChangePasswordRequest,
    client: ClientContext,
  ): Promise<void> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: caller.id });
    await this.throttle.admit('login', user.email);
    const valid =
      user.passwordHash !== null &&
      (await this.hasher.verify(user.passwordHash, request.currentPassword));
    // A wrong guess stays counted against the account, as at login; a right one is taken
    // back at once, so refusing the new password below does not count as a guess.
    if (!valid) throw wrongPassword();
    await this.throttle.recordSuccess('login', user.email);
    this.policy.assertAcceptable(request.newPassword, {
      email: user.email,
      displayName: user.displayName,
    });
    if (request.newPassword.normalize('NFKC') === request.currentPassword.normalize('NFKC')) {
      throw new AppError(
        'AUTH.PASSWORD_UNCHANGED',
        422,
        'Choose a password you have not used here.',
      );
    }
    const passwordHash = await this.hasher.hash(request.newPassword);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: user.id }, { passwordHash });
      const ended = await this.sessions.endSessionsOf(manager, user.id, caller.sessionId);
      await this.audit.record(manager, {
        type: 'password.changed',
        userId: user.id,
        sessionId: caller.sessionId,
        clientIp: client.ip,
        details: { otherSessionsEnded: ended.length },
      });
    });
  }
}
