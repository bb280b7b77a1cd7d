import { expect, it } from '@jest/globals';
import { hash } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { Problem } from '#atlas/contracts';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';
import { withoutTrace } from './sessions.cases.js';

/** Item 1: passwords per NIST SP 800-63B, argon2id with re-hashing, no account enumeration. */
export function credentialCases(platform: () => SecurityPlatform): void {
  it('answers an unknown email and a wrong password identically', async () => {
    const client = new SuiteClient(platform());
    const user = await client.register();
    const wrongPassword = await client.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: 'not the password' },
    });
    const unknownEmail = await client.request('POST', '/v1/auth/login', {
      body: { email: `nobody-${randomUUID()}@example.com`, password: 'not the password' },
    });
    expect([wrongPassword.status, unknownEmail.status]).toEqual([401, 401]);
    expect(withoutTrace(unknownEmail.body)).toEqual(withoutTrace(wrongPassword.body));
    expect(unknownEmail.headers.get('content-type')).toBe(
      wrongPassword.headers.get('content-type'),
    );
  });

  it('refuses common or breached passwords and short ones, and takes long passphrases', async () => {
    const client = new SuiteClient(platform());
    const register = (password: string) =>
      client.request('POST', '/v1/auth/register', {
        body: { email: `pw-${randomUUID()}@example.com`, password, displayName: 'Pat' },
      });
    const common = await register('password1');
    expect(common.status).toBe(422);
    expect(Problem.parse(common.body).code).toBe('AUTH.PASSWORD_TOO_COMMON');
    expect((await register('qwertyuiop')).status).toBe(422);
    expect((await register('short7!')).status).toBe(400);
    expect(
      (await register(platform().secrets.add(`${'long passphrase '.repeat(5)}${randomUUID()}`)))
        .status,
    ).toBe(201);
    expect((await register('x'.repeat(129))).status).toBe(400);
  });

  it('keeps one account per mailbox, whatever the case of the email', async () => {
    const client = new SuiteClient(platform());
    const user = await client.register(`Case.${randomUUID()}@Example.com`);
    const again = await client.request('POST', '/v1/auth/register', {
      body: {
        email: user.email.toLowerCase(),
        password: platform().secrets.add(`pw ${randomUUID()}`),
        displayName: 'Twin',
      },
    });
    expect(again.status).toBe(409);
    await expect(client.tokens(user.email.toUpperCase(), user.password)).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('re-hashes a password at login when argon2id parameters went up since it was hashed', async () => {
    const password = platform().secrets.add(`an older passphrase ${randomUUID()}`);
    const id = randomUUID();
    const email = `legacy-${id}@example.com`;
    const db = await platform().authDatabase();
    try {
      const old = await hash(password, { memoryCost: 8_192, timeCost: 1, parallelism: 1 });
      await db.query(
        `INSERT INTO users (id, email, display_name, password_hash, roles) VALUES ($1, $2, 'Legacy', $3, '{customer}')`,
        [id, email, old],
      );
      await expect(new SuiteClient(platform()).tokens(email, password)).resolves.toMatchObject({
        tokenType: 'Bearer',
      });
      const { rows } = await db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [id],
      );
      expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      await db.end();
    }
  });
}
