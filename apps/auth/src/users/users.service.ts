import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, Not, type EntityManager } from 'typeorm';
import { newEvent, UserRegistered, type RegisterRequest, type Role } from '#atlas/contracts';
import { conflict } from '#atlas/http';
import { OutboxService } from '#atlas/messaging';
import { isUniqueViolation } from '#atlas/persistence';
import { AccountThrottle } from '../abuse/account-throttle.js';
import { AuditLog } from '../audit/audit-log.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { PasswordPolicy } from '../credentials/password-policy.js';
import { TotpCredential } from '../mfa/totp-credential.entity.js';
import { normalizeEmail } from './normalize-email.js';
import { User } from './user.entity.js';

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  /** null: the account signs in only through an OpenID Connect provider. */
  readonly password: string | null;
  readonly roles?: Role[];
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    private readonly throttle: AccountThrottle,
    private readonly outbox: OutboxService,
    private readonly audit: AuditLog,
  ) {}

  /** Sign-up: limited per email address (the gateway limits it per client IP too). */
  async register(request: RegisterRequest, clientIp: string | null): Promise<User> {
    await this.throttle.admit('registration', normalizeEmail(request.email));
    return this.dataSource.transaction((manager) =>
      this.create(manager, { ...request, password: request.password }, clientIp),
    );
  }

  /** New users are customers; roles beyond that are granted, never chosen at sign-up. */
  async create(manager: EntityManager, request: NewUser, clientIp: string | null): Promise<User> {
    const email = normalizeEmail(request.email);
    if (request.password !== null) {
      this.policy.assertAcceptable(request.password, { email, displayName: request.displayName });
    }
    const roles = request.roles ?? ['customer'];
    const user = manager.create(User, {
      id: randomUUID(),
      email,
      displayName: request.displayName,
      passwordHash: request.password === null ? null : await this.hasher.hash(request.password),
      roles,
      disabledAt: null,
    });
    try {
      // A savepoint, so a duplicate email does not poison a caller's wider transaction.
      await manager.transaction((inner) => inner.insert(User, user));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict('AUTH.EMAIL_TAKEN', 'An account with this email already exists.');
      }
      throw error;
    }
    await this.outbox.enqueue(
      manager,
      UserRegistered,
      newEvent(UserRegistered, { userId: user.id, roles }),
    );
    await this.audit.record(manager, {
      type: 'user.registered',
      userId: user.id,
      clientIp,
      details: { method: request.password === null ? 'oidc' : 'password' },
    });
    return user;
  }

  findByEmail(
    email: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<User | null> {
    return manager.findOneBy(User, { email: normalizeEmail(email) });
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<User | null> {
    return manager.findOneBy(User, { id });
  }

  async mfaEnabled(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    return manager.existsBy(TotpCredential, { userId, enabledAt: Not(IsNull()) });
  }
}
