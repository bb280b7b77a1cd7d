import { beforeAll, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { Problem } from '#atlas/contracts';
import type { SecurityPlatform } from './support/security-platform.js';
import { SuiteClient, type SuiteUser } from './support/suite-client.js';
import { TokenForge } from './support/token-forge.js';

/** Item 2 of the issue: every way to forge an access token, refused by the gateway and a service. */
export function tokenAttackCases(platform: () => SecurityPlatform): void {
  let victim: SuiteUser;
  let forge: TokenForge;
  let client: SuiteClient;
  beforeAll(async () => {
    client = new SuiteClient(platform());
    victim = await client.newUser();
    forge = await TokenForge.open(platform());
  });

  const now = () => Math.floor(Date.now() / 1000);
  const atGateway = (token: string) => client.request('GET', '/v1/auth/me', { token });
  const atOrders = (token: string) =>
    new SuiteClient(platform(), client.ip, platform().urls.orders).request('GET', '/v1/orders', {
      token,
    });

  it('issues ES256 at+jwt access tokens with iss, aud, sub, sid, jti, roles, iat, nbf, exp and a published kid', async () => {
    const header = decodeProtectedHeader(victim.tokens.accessToken);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(victim.tokens.accessToken);
    expect(Object.keys(claims).toSorted()).toEqual(
      ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'roles', 'sid', 'sub'].toSorted(),
    );
    expect(claims).toMatchObject({ sub: victim.id, roles: ['customer'] });
    const { exp = 0, iat = 0, nbf = 0 } = claims;
    expect(exp - iat).toBe(victim.tokens.expiresIn);
    expect(nbf).toBe(iat);
    const jwks = z
      .object({ keys: z.array(z.object({ kid: z.string(), alg: z.string(), kty: z.string() })) })
      .parse((await client.request('GET', '/.well-known/jwks.json')).body);
    expect(jwks.keys.find((key) => key.kid === header.kid)).toMatchObject({
      alg: 'ES256',
      kty: 'EC',
    });
    // Only public halves are published.
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
  });

  it('accepts a genuine token re-signed by the forge (so each refusal below is the check, not the forge)', async () => {
    const token = await forge.sign(victim.tokens.accessToken);
    expect((await atGateway(token)).status).toBe(200);
    expect((await atOrders(token)).status).toBe(200);
  });

  const attacks: [string, (genuine: string) => string | Promise<string>][] = [
    ['alg none', (genuine) => forge.unsigned(genuine)],
    ['HS256 signed with Atlas’s public key as the secret', (g) => forge.hmacWithPublicKey(g)],
    [
      'the attacker’s key embedded in a jwk header',
      (g) => forge.sign(g, { attackerKey: true, header: { jwk: forge.attackerJwk } }),
    ],
    [
      'a jku header naming the attacker’s key set',
      (g) => forge.sign(g, { attackerKey: true, header: { jku: 'https://attacker.example/jwks' } }),
    ],
    [
      'an x5u header naming the attacker’s certificate',
      (g) =>
        forge.sign(g, { attackerKey: true, header: { x5u: 'https://attacker.example/c.pem' } }),
    ],
    [
      'an x5c header carrying a certificate',
      (g) => forge.sign(g, { attackerKey: true, header: { x5c: ['MIIBszCCAVmgAwIBAgIU'] } }),
    ],
    [
      'a jku header even on a token Atlas’s key signed',
      (g) => forge.sign(g, { header: { jku: 'https://attacker.example/jwks' } }),
    ],
    [
      'the attacker’s key under a key id Atlas never published',
      (g) => forge.sign(g, { attackerKey: true }),
    ],
    ['the wrong issuer', (g) => forge.sign(g, { claims: { iss: 'https://attacker.example' } })],
    ['the wrong audience', (g) => forge.sign(g, { claims: { aud: 'another-api' } })],
    [
      'an expired token',
      (g) => forge.sign(g, { claims: { iat: now() - 3600, nbf: now() - 3600, exp: now() - 60 } }),
    ],
    ['a token not valid yet', (g) => forge.sign(g, { claims: { nbf: now() + 600 } })],
    ['another token type (typ JWT)', (g) => forge.sign(g, { header: { typ: 'JWT' } })],
    ['an ID token type', (g) => forge.sign(g, { header: { typ: 'id_token+jwt' } })],
    ['no session id', (g) => forge.sign(g, { claims: { sid: undefined } })],
    ['a role Atlas does not have', (g) => forge.sign(g, { claims: { roles: ['root'] } })],
    ['a payload edited after signing (roles: admin)', (g) => forge.tampered(g)],
    ['a refresh token presented as an access token', () => victim.tokens.refreshToken],
  ];

  it.each(attacks)(
    'refuses %s, at the gateway and at a service called directly',
    async (_name, make) => {
      const token = await make(victim.tokens.accessToken);
      const gateway = await atGateway(token);
      expect(gateway.status).toBe(401);
      // One answer for every failure: nothing says which check caught it.
      expect(Problem.parse(gateway.body)).toMatchObject({
        code: 'AUTH.UNAUTHENTICATED',
        detail: 'A valid access token is required.',
      });
      expect((await atOrders(token)).status).toBe(401);
    },
  );
}
