import { expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  MfaRequiredResponse,
  Problem,
  RecoveryCodesResponse,
  TokenResponse,
  TotpSetupResponse,
  UserProfile,
} from '#atlas/contracts';
import type { SecurityPlatform } from './support/security-platform.js';
import { expectOnlyThisSessionLeft } from './support/session-checks.js';
import { SuiteClient, type SuiteUser } from './support/suite-client.js';
import { currentStep, totpCodeFor } from './support/totp-codes.js';

interface MfaUser extends SuiteUser {
  readonly secret: string;
  readonly recoveryCodes: string[];
  /** The time step the enabling code came from: that code and older ones are spent. */
  readonly enabledAtStep: number;
}

/** Item 5: TOTP, its two-step login, replay, the mfaToken's limits, recovery codes. */
export function mfaCases(platform: () => SecurityPlatform): void {
  async function withMfa(client: SuiteClient): Promise<MfaUser> {
    const user = await client.newUser();
    const setup = await client.request('POST', '/v1/auth/mfa/totp/setup', {
      token: user.tokens.accessToken,
    });
    expect(setup.status).toBe(200);
    const { secret, otpauthUrl } = TotpSetupResponse.parse(setup.body);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Atlas:/);
    const step = currentStep();
    const enabled = await client.request('POST', '/v1/auth/mfa/totp/enable', {
      token: user.tokens.accessToken,
      body: { code: await totpCodeFor(secret, step) },
    });
    expect(enabled.status).toBe(200);
    const { recoveryCodes } = RecoveryCodesResponse.parse(enabled.body);
    return { ...user, secret, recoveryCodes, enabledAtStep: step };
  }

  async function firstStep(client: SuiteClient, user: SuiteUser): Promise<string> {
    return MfaRequiredResponse.parse(await client.login(user.email, user.password)).mfaToken;
  }

  const verify = (client: SuiteClient, mfaToken: string, code: string) =>
    client.request('POST', '/v1/auth/mfa/verify', { body: { mfaToken, code } });

  it('turns TOTP on only with a valid code, then signs in in two steps', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const { secret } = TotpSetupResponse.parse(
      (await client.request('POST', '/v1/auth/mfa/totp/setup', { token: user.tokens.accessToken }))
        .body,
    );
    const wrong = await client.request('POST', '/v1/auth/mfa/totp/enable', {
      token: user.tokens.accessToken,
      body: {
        code: String((Number(await totpCodeFor(secret, currentStep())) + 1) % 1_000_000).padStart(
          6,
          '0',
        ),
      },
    });
    expect(wrong.status).toBe(422);
    const step = currentStep();
    const enabled = await client.request('POST', '/v1/auth/mfa/totp/enable', {
      token: user.tokens.accessToken,
      body: { code: await totpCodeFor(secret, step) },
    });
    expect(RecoveryCodesResponse.parse(enabled.body).recoveryCodes).toHaveLength(10);
    const me = await client.request('GET', '/v1/auth/me', { token: user.tokens.accessToken });
    expect(UserProfile.parse(me.body).mfaEnabled).toBe(true);

    const mfaToken = await firstStep(client, user);
    const signedIn = await verify(client, mfaToken, await totpCodeFor(secret, step + 1));
    expect(signedIn.status).toBe(200);
    const tokens = TokenResponse.parse(signedIn.body);
    expect((await client.request('GET', '/v1/auth/me', { token: tokens.accessToken })).status).toBe(
      200,
    );
  });

  it('accepts a TOTP code once: the same code again is refused (replay)', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const code = await totpCodeFor(user.secret, user.enabledAtStep + 1);
    expect((await verify(client, await firstStep(client, user), code)).status).toBe(200);
    const replay = await verify(client, await firstStep(client, user), code);
    expect(replay.status).toBe(401);
    expect(Problem.parse(replay.body).code).toBe('AUTH.MFA_FAILED');
    // The code that enabled MFA is spent too.
    const enablingCode = await totpCodeFor(user.secret, user.enabledAtStep);
    expect((await verify(client, await firstStep(client, user), enablingCode)).status).toBe(401);
  });

  it('treats an mfaToken as nothing but an mfaToken: not an access token, and good once', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const mfaToken = await firstStep(client, user);
    expect((await client.request('GET', '/v1/auth/me', { token: mfaToken })).status).toBe(401);
    const orders = new SuiteClient(platform(), client.ip, platform().urls.orders);
    expect((await orders.request('GET', '/v1/orders', { token: mfaToken })).status).toBe(401);
    expect(
      (await client.request('POST', '/v1/auth/refresh', { body: { refreshToken: mfaToken } }))
        .status,
    ).toBe(401);

    const code = await totpCodeFor(user.secret, user.enabledAtStep + 1);
    expect((await verify(client, mfaToken, code)).status).toBe(200);
    const [recovery = ''] = user.recoveryCodes;
    expect((await verify(client, mfaToken, recovery)).status).toBe(401);
  });

  it('lets an mfaToken expire: stored only as a hash, refused once its five minutes are up', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const mfaToken = await firstStep(client, user);
    const db = await platform().authDatabase();
    try {
      // Five minutes pass, for this challenge only (found by the hash it is stored under).
      const aged = await db.query(
        `UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
        [createHash('sha256').update(mfaToken).digest('hex')],
      );
      expect(aged.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    const code = await totpCodeFor(user.secret, user.enabledAtStep + 1);
    const expired = await verify(client, mfaToken, code);
    expect(expired.status).toBe(401);
    expect(Problem.parse(expired.body).code).toBe('AUTH.MFA_FAILED');
    // The code itself was good: a live challenge takes it.
    expect((await verify(client, await firstStep(client, user), code)).status).toBe(200);
  });

  it('ends the other sessions when MFA is turned on, and keeps the one that turned it on', async () => {
    const client = new SuiteClient(platform());
    const user = await client.newUser();
    const elsewhere = await client.tokens(user.email, user.password);
    const { secret } = TotpSetupResponse.parse(
      (await client.request('POST', '/v1/auth/mfa/totp/setup', { token: user.tokens.accessToken }))
        .body,
    );
    const enabled = await client.request('POST', '/v1/auth/mfa/totp/enable', {
      token: user.tokens.accessToken,
      body: { code: await totpCodeFor(secret, currentStep()) },
    });
    expect(enabled.status).toBe(200);
    await expectOnlyThisSessionLeft(client, { kept: user.tokens, ended: elsewhere });
  });

  it('stops an mfaToken being worked through with guesses: the account backs off (429)', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const mfaToken = await firstStep(client, user);
    for (let guess = 0; guess < 5; guess += 1) {
      const answer = await verify(client, mfaToken, String(100_000 + guess));
      expect(answer.status).toBe(401);
    }
    const right = await verify(
      client,
      mfaToken,
      await totpCodeFor(user.secret, user.enabledAtStep + 1),
    );
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A fresh mfaToken does not reset it: the back-off belongs to the account.
    const fresh = await verify(
      client,
      await firstStep(client, user),
      await totpCodeFor(user.secret, user.enabledAtStep + 1),
    );
    expect(fresh.status).toBe(429);
  });

  it('signs in once with each recovery code', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const [recovery = ''] = user.recoveryCodes;
    expect(
      (await verify(client, await firstStep(client, user), recovery.toUpperCase())).status,
    ).toBe(200);
    expect((await verify(client, await firstStep(client, user), recovery)).status).toBe(401);
  });

  it('turns MFA off only with a code, and ends the other sessions', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const other = TokenResponse.parse(
      (
        await verify(
          client,
          await firstStep(client, user),
          await totpCodeFor(user.secret, user.enabledAtStep + 1),
        )
      ).body,
    );
    const wrong = await client.request('POST', '/v1/auth/mfa/totp/disable', {
      token: user.tokens.accessToken,
      body: { code: '000000' },
    });
    expect(wrong.status).toBe(422);
    const [, recovery = ''] = user.recoveryCodes;
    const disabled = await client.request('POST', '/v1/auth/mfa/totp/disable', {
      token: user.tokens.accessToken,
      body: { code: recovery },
    });
    expect(disabled.status).toBe(204);
    await expectOnlyThisSessionLeft(client, { kept: user.tokens, ended: other });
    await expect(client.tokens(user.email, user.password)).resolves.toMatchObject({
      tokenType: 'Bearer',
    });
  });

  it('keeps TOTP secrets encrypted at rest (AES-256-GCM, with the key id)', async () => {
    const client = new SuiteClient(platform());
    const user = await withMfa(client);
    const db = await platform().authDatabase();
    try {
      const { rows } = await db.query<{ secret_encrypted: string }>(
        'SELECT secret_encrypted FROM totp_credentials WHERE user_id = $1',
        [user.id],
      );
      const stored = rows[0]?.secret_encrypted ?? '';
      expect(stored).toMatch(/^v1\.suite\./);
      expect(stored).not.toContain(user.secret);
      expect(platform().keyring.decrypt(stored, `totp:${user.id}`)).toBe(user.secret);
      const codes = await db.query<{ code_hash: string }>(
        'SELECT code_hash FROM recovery_codes WHERE user_id = $1',
        [user.id],
      );
      expect(codes.rows).toHaveLength(10);
      for (const code of user.recoveryCodes) {
        expect(codes.rows.map((row) => row.code_hash)).not.toContain(code);
      }
    } finally {
      await db.end();
    }
  });
}
