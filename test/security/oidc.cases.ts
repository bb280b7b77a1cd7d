import { expect, it } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { OidcAuthorizeResponse, Problem, TokenResponse, UserProfile } from '#atlas/contracts';
import { ProviderBrowser } from './support/provider-browser.js';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient } from './support/suite-client.js';

/** Item 7: sign-in with a real OpenID Connect provider, started beside the platform. */
export function oidcCases(platform: () => SecurityPlatform): void {
  /** A person with an account at the provider. */
  function providerAccount(email: string, emailVerified = true): string {
    const login = `person-${randomUUID()}`;
    platform().oidc.accounts.set(login, { email, emailVerified, name: 'Provider Person' });
    return login;
  }

  async function authorize(client: SuiteClient): Promise<OidcAuthorizeResponse> {
    const answer = await client.request('POST', '/v1/auth/oidc/authorize');
    expect(answer.status).toBe(200);
    return OidcAuthorizeResponse.parse(answer.body);
  }

  /** The browser's trip to the provider and back: the parameters of the redirect. */
  async function signInAtProvider(authorizationUrl: string, login: string) {
    const back = await new ProviderBrowser(platform().oidc.redirectUri).signIn(
      authorizationUrl,
      login,
    );
    const code = back.get('code') ?? '';
    platform().secrets.add(code);
    return { code, state: back.get('state') ?? '', iss: back.get('iss') ?? undefined };
  }

  const callback = (
    client: SuiteClient,
    body: { code: string; state: string; iss?: string | undefined },
  ) => client.request('POST', '/v1/auth/oidc/callback', { body });

  it('signs a new person in with the provider: authorization code, PKCE, state and nonce', async () => {
    const client = new SuiteClient(platform());
    const email = `oidc-${randomUUID()}@example.com`;
    const login = providerAccount(email);
    const started = await authorize(client);
    const url = new URL(started.authorizationUrl);
    expect(url.origin).toBe(platform().oidc.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('state')).toBe(started.state);

    const back = await signInAtProvider(started.authorizationUrl, login);
    expect(back.state).toBe(started.state);
    const answer = await callback(client, back);
    expect(answer.status).toBe(200);
    const tokens = TokenResponse.parse(answer.body);
    const me = UserProfile.parse(
      (await client.request('GET', '/v1/auth/me', { token: tokens.accessToken })).body,
    );
    expect(me).toMatchObject({ email, roles: ['customer'] });
  });

  it('links the provider account to the Atlas account with the same verified email', async () => {
    const client = new SuiteClient(platform());
    const existing = await client.register();
    const login = providerAccount(existing.email.toUpperCase());
    const started = await authorize(client);
    const answer = await callback(client, await signInAtProvider(started.authorizationUrl, login));
    const tokens = TokenResponse.parse(answer.body);
    const me = UserProfile.parse(
      (await client.request('GET', '/v1/auth/me', { token: tokens.accessToken })).body,
    );
    expect(me.id).toBe(existing.id);
  });

  it('refuses an email the provider has not verified, so nobody can claim someone else’s account', async () => {
    const client = new SuiteClient(platform());
    const victim = await client.register();
    const login = providerAccount(victim.email, false);
    const started = await authorize(client);
    const answer = await callback(client, await signInAtProvider(started.authorizationUrl, login));
    expect(answer.status).toBe(401);
    expect(Problem.parse(answer.body).code).toBe('AUTH.OIDC_FAILED');
    const db = await platform().authDatabase();
    try {
      const links = await db.query('SELECT 1 FROM external_identities WHERE user_id = $1', [
        victim.id,
      ]);
      expect(links.rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('accepts each callback once, and only with the state its flow started with', async () => {
    const client = new SuiteClient(platform());
    const login = providerAccount(`oidc-${randomUUID()}@example.com`);

    const first = await authorize(client);
    const back = await signInAtProvider(first.authorizationUrl, login);
    expect((await callback(client, back)).status).toBe(200);
    expect((await callback(client, back)).status).toBe(401);

    const second = await authorize(client);
    const invented = await callback(client, {
      ...(await signInAtProvider(second.authorizationUrl, login)),
      state: 'invented-state-value',
    });
    expect(invented.status).toBe(401);

    // A code from one flow with the state of another (code injection): the other flow's PKCE
    // verifier and nonce do not match, so the provider and the ID token check refuse it.
    const victimFlow = await authorize(client);
    const attackerFlow = await authorize(client);
    const stolen = await signInAtProvider(attackerFlow.authorizationUrl, login);
    const injected = await callback(client, { ...stolen, state: victimFlow.state });
    expect(injected.status).toBe(401);
    expect(Problem.parse(injected.body).code).toBe('AUTH.OIDC_FAILED');
  });

  /**
   * The flow's server-side record, changed in one respect behind auth's back: the callback
   * must then fail on exactly that check, since everything else about the flow is genuine.
   */
  async function tamperWithFlow(
    state: string,
    change: (stateHash: string) => ['nonce' | 'code_verifier_encrypted', string],
  ) {
    const stateHash = createHash('sha256').update(state).digest('hex');
    const [column, value] = change(stateHash);
    const db = await platform().authDatabase();
    try {
      const updated = await db.query(
        `UPDATE oidc_login_attempts SET ${column} = $2 WHERE state_hash = $1`,
        [stateHash, value],
      );
      expect(updated.rowCount).toBe(1);
    } finally {
      await db.end();
    }
  }

  it('refuses an ID token whose nonce is not the one its flow sent', async () => {
    const client = new SuiteClient(platform());
    const login = providerAccount(`oidc-${randomUUID()}@example.com`);
    const started = await authorize(client);
    const back = await signInAtProvider(started.authorizationUrl, login);
    await tamperWithFlow(started.state, () => ['nonce', randomBytes(32).toString('base64url')]);
    const answer = await callback(client, back);
    expect(answer.status).toBe(401);
    expect(Problem.parse(answer.body).code).toBe('AUTH.OIDC_FAILED');
  });

  it('refuses a code redeemed with another PKCE verifier than the one its challenge was made from', async () => {
    const client = new SuiteClient(platform());
    const login = providerAccount(`oidc-${randomUUID()}@example.com`);
    const started = await authorize(client);
    const back = await signInAtProvider(started.authorizationUrl, login);
    await tamperWithFlow(started.state, (stateHash) => [
      'code_verifier_encrypted',
      platform().keyring.encrypt(
        randomBytes(32).toString('base64url'),
        `oidc-verifier:${stateHash}`,
      ),
    ]);
    const answer = await callback(client, back);
    expect(answer.status).toBe(401);
    expect(Problem.parse(answer.body).code).toBe('AUTH.OIDC_FAILED');
  });
}
