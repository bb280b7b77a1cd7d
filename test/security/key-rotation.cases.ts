import { expect, it } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import { SigningKeyList, SigningKeyView, TokenResponse } from '#atlas/contracts';
import { adminTokens } from './support/admin.js';
import { poll } from './support/poll.js';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';

/** Item 2's rotation: a new key signs; the old one verifies until its tokens expire. */
export function keyRotationCases(platform: () => SecurityPlatform): void {
  it('rotates the signing key: published first, then signing; tokens of the old key still work', async () => {
    const client = new SuiteClient(platform());
    const user = await client.register();
    const before = await client.tokens(user.email, user.password);
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const admin = await adminTokens(platform());

    const rotated = await client.request('POST', '/v1/admin/signing-keys', {
      token: admin.accessToken,
    });
    expect(rotated.status).toBe(201);
    const next = SigningKeyView.parse(rotated.body);
    expect(next.status).toBe('upcoming');
    expect(next.kid).not.toBe(oldKid);
    const jwks = (await client.request('GET', '/.well-known/jwks.json')).body;
    expect(JSON.stringify(jwks)).toContain(next.kid);
    expect(JSON.stringify(jwks)).toContain(String(oldKid));

    // Once its activation time passes (and each auth replica rechecks, every 10 s), logins
    // get tokens signed with the new key. Slow polling: logins are limited per account.
    const after = await poll(
      () => client.tokens(user.email, user.password),
      (tokens: TokenResponse) => decodeProtectedHeader(tokens.accessToken).kid === next.kid,
      { timeoutMs: 30_000, intervalMs: 2_000 },
    );
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(next.kid);
    expect((await client.request('GET', '/v1/auth/me', { token: before.accessToken })).status).toBe(
      200,
    );
    // Verifiers refetch the JWKS for an unknown key id at most every 30 s.
    const accepted = await poll(
      () => client.request('GET', '/v1/auth/me', { token: after.accessToken }),
      (answer) => answer.status === 200,
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(accepted.status).toBe(200);

    const keys = SigningKeyList.parse(
      (await client.request('GET', '/v1/admin/signing-keys', { token: admin.accessToken })).body,
    ).items;
    expect(keys.find((key) => key.kid === next.kid)?.status).toBe('active');
    expect(keys.find((key) => key.kid === oldKid)?.status).toBe('retired');
  });

  it('keeps every private signing key encrypted at rest', async () => {
    const db = await platform().authDatabase();
    try {
      const { rows } = await db.query<{
        kid: string;
        private_jwk: unknown;
        private_key_encrypted: string;
      }>('SELECT kid, private_jwk, private_key_encrypted FROM signing_keys');
      expect(rows.length).toBeGreaterThanOrEqual(1);
      for (const row of rows) {
        expect(row.private_jwk).toBeNull();
        expect(row.private_key_encrypted).toMatch(/^v1\.suite\./);
        const jwk: unknown = JSON.parse(
          platform().keyring.decrypt(row.private_key_encrypted, `signing-key:${row.kid}`),
        );
        expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
      }
    } finally {
      await db.end();
    }
  });
}
