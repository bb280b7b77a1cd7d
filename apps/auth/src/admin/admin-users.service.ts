import { Injectable } from '@nestjs/common';
import { DataSource, ILike, type EntityManager } from 'typeorm';
import type { AdminUserList, AdminUserQuery, AdminUserView, Role } from '#atlas/contracts';
import { conflict, notFound } from '#atlas/http';
import type { AuthenticatedUser } from '#atlas/security';
import { AuditLog } from '../audit/audit-log.js';
import type { ClientContext } from '../audit/client-context.js';
import { TotpCredential } from '../mfa/totp-credential.entity.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { User } from '../users/user.entity.js';

const userNotFound = () => notFound('AUTH.USER_NOT_FOUND', 'No user with this id.');

/**
 * What admins do to accounts. A role change or a disabled account ends all of the user's
 * sessions at once (their access tokens carry the old roles). An admin cannot demote or
 * disable themselves, so the last admin cannot lock everyone out by accident.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
  ) {}

  async list(query: AdminUserQuery): Promise<AdminUserList> {
    const [users, total] = await this.dataSource.getRepository(User).findAndCount({
      ...(query.q ? { where: { email: ILike(`%${escapeLike(query.q.toLowerCase())}%`) } } : {}),
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    const items = await Promise.all(users.map((user) => this.view(this.dataSource.manager, user)));
    return { items, page: query.page, limit: query.limit, total };
  }

  async setRoles(
    admin: AuthenticatedUser,
    userId: string,
    roles: Role[],
    client: ClientContext,
  ): Promise<AdminUserView> {
    const wanted = [...new Set(roles)].toSorted();
    if (userId === admin.id && !wanted.includes('admin')) {
      throw conflict('AUTH.CANNOT_DEMOTE_SELF', 'Admins cannot remove their own admin role.');
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lock(manager, userId);
      const before = [...user.roles].toSorted();
      if (before.join() !== wanted.join()) {
        await manager.update(User, { id: userId }, { roles: wanted });
        const ended = await this.sessions.endSessionsOf(manager, userId, null);
        await this.audit.record(manager, {
          type: 'roles.changed',
          userId,
          actorId: admin.id,
          sessionId: admin.sessionId,
          clientIp: client.ip,
          details: { from: before.join(','), to: wanted.join(','), sessionsEnded: ended.length },
        });
      }
      user.roles = wanted;
      return this.view(manager, user);
    });
  }

  async setDisabled(
    admin: AuthenticatedUser,
    userId: string,
    disabled: boolean,
    client: ClientContext,
  ): Promise<AdminUserView> {
    if (userId === admin.id && disabled) {
      throw conflict('AUTH.CANNOT_DISABLE_SELF', 'Admins cannot disable their own account.');
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.lock(manager, userId);
      if (Boolean(user.disabledAt) === disabled) return this.view(manager, user);
      const disabledAt = disabled ? new Date() : null;
      await manager.update(User, { id: userId }, { disabledAt });
      const ended = disabled ? await this.sessions.endSessionsOf(manager, userId, null) : [];
      await this.audit.record(manager, {
        type: disabled ? 'account.disabled' : 'account.enabled',
        userId,
        actorId: admin.id,
        sessionId: admin.sessionId,
        clientIp: client.ip,
        details: disabled ? { sessionsEnded: ended.length } : {},
      });
      user.disabledAt = disabledAt;
      return this.view(manager, user);
    });
  }

  private async lock(manager: EntityManager, userId: string): Promise<User> {
    const user = await manager.findOne(User, {
      where: { id: userId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) throw userNotFound();
    return user;
  }

  /** Chosen field by field: a password hash or a secret cannot slip into the answer. */
  private async view(manager: EntityManager, user: User): Promise<AdminUserView> {
    const totp = await manager.findOneBy(TotpCredential, { userId: user.id });
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      mfaEnabled: Boolean(totp?.enabledAt),
      disabled: Boolean(user.disabledAt),
      createdAt: user.createdAt.toISOString(),
    };
  }
}

function escapeLike(text: string): string {
  return text.replaceAll(/[\\%_]/g, (character) => `\\${character}`);
}
