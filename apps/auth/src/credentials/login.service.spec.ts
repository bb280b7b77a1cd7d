import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AccountThrottle } from '../abuse/account-throttle.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import type { MfaChallenges } from '../mfa/mfa-challenges.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import { LoginService } from './login.service.js';
import { PasswordHasher } from './password-hasher.js';

const PASSWORD = 'correct horse battery staple';

/** A collaborator with only the methods this login path calls. */
function stub<T>(methods: Partial<T>): T {
  // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- a stand-in, one class under test
  return methods as T;
}

/**
 * One class: its collaborators are stand-ins, except the real argon2id hasher, whose calls are
 * counted. What is checked is the work and the answer, not the time they take.
 */
describe('LoginService (no account enumeration)', () => {
  const hasher = new PasswordHasher();
  let hashOfPassword = '';
  beforeAll(async () => {
    await hasher.onModuleInit();
    hashOfPassword = await hasher.hash(PASSWORD);
  });

  function serviceWith(user: User | null) {
    const audited: AuditEntry[] = [];
    const verify = jest.spyOn(hasher, 'verify');
    const verifyDecoy = jest.spyOn(hasher, 'verifyDecoy');
    verify.mockClear();
    verifyDecoy.mockClear();
    const users = stub<UsersService>({
      findByEmail: async () => user,
      mfaEnabled: async () => false,
    });
    const throttle = stub<AccountThrottle>({
      admit: async () => 1,
      recordSuccess: async () => undefined,
    });
    const audit = stub<AuditLog>({
      recordAlone: async (entry: AuditEntry) => {
        audited.push(entry);
      },
    });
    const sessions = stub<SessionsService>({
      start: async () => ({
        accessToken: 'a',
        refreshToken: 'r',
        expiresIn: 900,
        tokenType: 'Bearer' as const,
      }),
    });
    const service = new LoginService(
      stub<DataSource>({}),
      users,
      hasher,
      sessions,
      throttle,
      stub<MfaChallenges>({}),
      audit,
    );
    return { service, verify, verifyDecoy, audited };
  }

  const account = (overrides: Partial<User> = {}): User => ({
    id: randomUUID(),
    email: 'ann@example.com',
    displayName: 'Ann',
    passwordHash: hashOfPassword,
    roles: ['customer'],
    createdAt: new Date(),
    disabledAt: null,
    ...overrides,
  });
  const client = { ip: '203.0.113.9' };

  it('runs one full argon2id verification for an unknown email, against a decoy hash', async () => {
    const { service, verify, verifyDecoy, audited } = serviceWith(null);
    await expect(
      service.login({ email: 'nobody@example.com', password: PASSWORD }, client),
    ).rejects.toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS', status: 401 });
    expect(verifyDecoy).toHaveBeenCalledTimes(1);
    expect(verifyDecoy).toHaveBeenCalledWith(PASSWORD);
    expect(verify).not.toHaveBeenCalled();
    expect(audited.map((entry) => entry.details?.reason)).toEqual(['unknown-account']);
  });

  it('runs one argon2id verification for a wrong password, and answers exactly the same', async () => {
    const unknown = serviceWith(null);
    const unknownError = await unknown.service
      .login({ email: 'nobody@example.com', password: 'a wrong password' }, client)
      .catch((error: unknown) => error);
    const known = serviceWith(account());
    const wrongError = await known.service
      .login({ email: 'ann@example.com', password: 'a wrong password' }, client)
      .catch((error: unknown) => error);
    expect(known.verify).toHaveBeenCalledTimes(1);
    expect(known.verifyDecoy).not.toHaveBeenCalled();
    expect(wrongError).toEqual(unknownError);
  });

  it('spends the decoy verification on an account that has no password (OIDC only)', async () => {
    const { service, verifyDecoy } = serviceWith(account({ passwordHash: null }));
    await expect(
      service.login({ email: 'ann@example.com', password: PASSWORD }, client),
    ).rejects.toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
    expect(verifyDecoy).toHaveBeenCalledTimes(1);
  });

  it('verifies the password of a disabled account too, and refuses it like a wrong one', async () => {
    const { service, verify } = serviceWith(account({ disabledAt: new Date() }));
    await expect(
      service.login({ email: 'ann@example.com', password: PASSWORD }, client),
    ).rejects.toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
