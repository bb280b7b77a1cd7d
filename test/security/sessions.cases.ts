import { expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Problem, TokenResponse } from '#atlas/contracts';
import { adminTokens } from './support/admin.js';
import type { SecurityPlatform } from './support/security-platform.js';
import { expectOnlyThisSessionLeft } from './support/session-checks.js';
import { SuiteClient } from './support/suite-client.js';

/** Item 3: ended sessions end at once, everywhere; and what ends them. */
export function sessionCases(platform: () => SecurityPlatform): void {
  const direct = (service: 'orders' | 'notifications', client: SuiteClient) =>
    new SuiteClient(platform(), client.ip, platform().urls[service]);

  it('refuses the access token of a logged-out session at once, at the gateway and at every service', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const other = await client.tokens(user.email, user.password);
    const token = user.tokens.accessToken;
    expect((await client.request('GET', '/v1/auth/me', { token })).status).toBe(200);
    expect((await direct('orders', client).request('GET', '/v1/orders', { token })).status).toBe(
      200,
    );

    const logout = await client.request('POST', '/v1/auth/logout', {
      token,
      body: { refreshToken: user.tokens.refreshToken },
    });
    expect(logout.status).toBe(204);
    expect((await client.request('GET', '/v1/auth/me', { token })).status).toBe(401);
    expect((await direct('orders', client).request('GET', '/v1/orders', { token })).status).toBe(
      401,
    );
    expect(
      (await direct('notifications', client).request('GET', '/v1/notifications', { token })).status,
    ).toBe(401);
    const refresh = await client.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: user.tokens.refreshToken },
    });
    expect(refresh.status).toBe(401);
    // The user's other session goes on.
    expect((await client.request('GET', '/v1/auth/me', { token: other.accessToken })).status).toBe(
      200,
    );
  });

  it('revokes the whole token family when a refresh token is used twice (RFC 9700)', async () => {
    const client = new SuiteClient(platform());
    const first = (await client.newUser()).tokens;
    const rotated = await client.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const second = TokenResponse.parse(rotated.body);

    const reuse = await client.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(Problem.parse(reuse.body).code).toBe('AUTH.INVALID_REFRESH_TOKEN');
    const newest = await client.request('POST', '/v1/auth/refresh', {
      body: { refreshToken: second.refreshToken },
    });
    expect(newest.status).toBe(401);
    for (const token of [first.accessToken, second.accessToken]) {
      expect((await client.request('GET', '/v1/auth/me', { token })).status).toBe(401);
    }
  });

  it('stores refresh tokens only as SHA-256 hashes, never as they were handed out', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const db = await platform().authDatabase();
    try {
      const { rows } = await db.query<{ row: string; token_hash: string }>(
        `SELECT row_to_json(r)::text AS row, r.token_hash FROM refresh_tokens r
           JOIN sessions s ON s.id = r.session_id WHERE s.user_id = $1`,
        [user.id],
      );
      expect(rows).toHaveLength(1);
      const sha256 = createHash('sha256').update(user.tokens.refreshToken).digest('hex');
      expect(rows[0]?.token_hash).toBe(sha256);
      expect(rows[0]?.row).not.toContain(user.tokens.refreshToken);
    } finally {
      await db.end();
    }
  });

  it('ends the other sessions when the password changes, and needs the current password', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const elsewhere = await client.tokens(user.email, user.password);
    const newPassword = platform().secrets.add(`a brand new passphrase ${Date.now()}`);

    const wrong = await client.request('POST', '/v1/auth/password', {
      token: user.tokens.accessToken,
      body: { currentPassword: 'not my password', newPassword },
    });
    expect(wrong.status).toBe(422);
    expect(
      (await client.request('GET', '/v1/auth/me', { token: elsewhere.accessToken })).status,
    ).toBe(200);

    const changed = await client.request('POST', '/v1/auth/password', {
      token: user.tokens.accessToken,
      body: { currentPassword: user.password, newPassword },
    });
    expect(changed.status).toBe(204);
    await expectOnlyThisSessionLeft(client, { kept: user.tokens, ended: elsewhere });
    const oldPassword = await client.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(oldPassword.status).toBe(401);
    await expect(client.tokens(user.email, newPassword)).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('ends every session of a user whose roles an admin changes; the next login carries the new roles', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const admin = await adminTokens(platform());
    const changed = await client.request('PATCH', `/v1/admin/users/${user.id}/roles`, {
      token: admin.accessToken,
      body: { roles: ['customer', 'catalog-manager'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ roles: ['catalog-manager', 'customer'] });
    expect(
      (await client.request('GET', '/v1/auth/me', { token: user.tokens.accessToken })).status,
    ).toBe(401);
    const again = await client.tokens(user.email, user.password);
    expect(decodeJwt(again.accessToken).roles).toEqual(['catalog-manager', 'customer']);
  });

  it('disables an account: its sessions end, and its sign-in is refused like a wrong password', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const admin = await adminTokens(platform());
    const disabled = await client.request('POST', `/v1/admin/users/${user.id}/disable`, {
      token: admin.accessToken,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ disabled: true });
    expect(
      (await client.request('GET', '/v1/auth/me', { token: user.tokens.accessToken })).status,
    ).toBe(401);

    const refused = await client.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    const wrong = await client.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: 'not the password at all' },
    });
    expect(refused.status).toBe(401);
    expect(withoutTrace(refused.body)).toEqual(withoutTrace(wrong.body));

    const enabled = await client.request('POST', `/v1/admin/users/${user.id}/enable`, {
      token: admin.accessToken,
    });
    expect(enabled.status).toBe(200);
    await expect(client.tokens(user.email, user.password)).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });
}

export function withoutTrace(body: unknown): unknown {
  const { traceId: _trace, ...rest } = Problem.parse(body);
  return rest;
}
