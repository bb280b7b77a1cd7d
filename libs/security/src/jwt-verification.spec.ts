import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { ProblemDetailsFilter, Public } from '#atlas/http';
import { CurrentUser } from './current-user.decorator.js';
import type { AuthenticatedUser } from './access-token.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { JwksKeyResolver } from './jwks-key.resolver.js';
import { MemorySessionRevocations } from './memory-session-revocations.js';
import { type Identity, RequestAuthentication } from './request-authentication.js';
import { RequirePermissions } from './permissions.decorator.js';
import { SecurityModule } from './security.module.js';
import { SessionStoreUnavailable } from './session-revocations.js';

const ISSUER = 'atlas-auth';
const AUDIENCE = 'atlas';

@Controller()
class ProbeController {
  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }

  @RequirePermissions('users:manage')
  @Get('users')
  users() {
    return { ok: true };
  }
}

describe('access-token verification (one verifier, the JWKS, revocation)', () => {
  let jwks: Server;
  let app: NestFastifyApplication;
  let base: string;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  const kid = randomUUID();
  /** What a step before routing (as the gateway's rate limiter does) learnt of each request. */
  const seenBeforeRouting: Identity['kind'][] = [];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
    jwks = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    @Module({
      imports: [
        SecurityModule.forRoot({
          jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
          issuer: ISSUER,
          audience: AUDIENCE,
          revocations: { kind: 'memory' },
        }),
      ],
      controllers: [ProbeController],
    })
    class ProbeModule {}

    app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useGlobalFilters(new ProblemDetailsFilter());
    const authentication = app.get(RequestAuthentication);
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', async (request) => {
        seenBeforeRouting.push((await authentication.identify(request.raw)).kind);
      });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const claims = (overrides: Record<string, unknown> = {}) => ({
    roles: ['customer'],
    sid: randomUUID(),
    ...overrides,
  });

  async function sign(
    options: {
      claims?: Record<string, unknown>;
      header?: Record<string, unknown>;
      issuer?: string;
      audience?: string;
      expiresIn?: number;
      notBefore?: number;
    } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims(options.claims))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...options.header })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject(randomUUID())
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now + (options.notBefore ?? 0))
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .sign(privateKey);
  }

  const call = (path: string, token?: string) =>
    fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('lets a valid access token through and exposes its claims', async () => {
    const response = await call('/me', await sign());
    expect(response.status).toBe(200);
    const user: unknown = await response.json();
    expect(user).toMatchObject({
      roles: ['customer'],
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tokenId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('checks a request’s token once, though a step before routing and the guard both ask', async () => {
    const checks = jest.spyOn(app.get(AccessTokenVerifier), 'verify');
    try {
      seenBeforeRouting.length = 0;
      expect((await call('/me', await sign())).status).toBe(200);
      expect(seenBeforeRouting).toEqual(['verified']);
      expect(checks).toHaveBeenCalledTimes(1);
      expect((await call('/me', await sign({ issuer: 'someone-else' }))).status).toBe(401);
      expect(seenBeforeRouting).toEqual(['verified', 'invalid']);
      expect(checks).toHaveBeenCalledTimes(2);
    } finally {
      checks.mockRestore();
    }
  });

  it('checks the signature of a token it has verified before only once while it is valid', async () => {
    const keys = app.get(JwksKeyResolver);
    const lookups = jest.spyOn(keys, 'keyFor');
    try {
      const token = await sign();
      for (let i = 0; i < 3; i += 1) expect((await call('/me', token)).status).toBe(200);
      expect(lookups).toHaveBeenCalledTimes(1);
      // A remembered verdict is about the signature and claims only: revocation is asked anew.
      const sid = randomUUID();
      const revocable = await sign({ claims: { sid } });
      expect((await call('/me', revocable)).status).toBe(200);
      await MemorySessionRevocations.inProcess().revoke([sid], 60);
      expect((await call('/me', revocable)).status).toBe(401);
    } finally {
      lookups.mockRestore();
    }
  });

  it('checks a forged signature once, and never the signature of an expired token', async () => {
    const keys = app.get(JwksKeyResolver);
    const lookups = jest.spyOn(keys, 'keyFor');
    try {
      const forged = tamper(await sign());
      for (let i = 0; i < 3; i += 1) expect((await call('/me', forged)).status).toBe(401);
      expect(lookups).toHaveBeenCalledTimes(1);
      const expired = await sign({ expiresIn: -60 });
      for (let i = 0; i < 2; i += 1) expect((await call('/me', expired)).status).toBe(401);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });

  it('keeps public routes open and closes every other route by default', async () => {
    expect((await call('/open')).status).toBe(200);
    const response = await call('/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
  });

  it('refuses with 403 a caller whose roles do not grant the permission a route requires', async () => {
    const refused = await call('/users', await sign());
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    expect(
      (await call('/users', await sign({ claims: { roles: ['catalog-manager'] } }))).status,
    ).toBe(403);
    expect((await call('/users', await sign({ claims: { roles: ['admin'] } }))).status).toBe(200);
  });

  it('refuses a token of a revoked session at once, and only of that session', async () => {
    const sid = randomUUID();
    const token = await sign({ claims: { sid } });
    const other = await sign();
    expect((await call('/me', token)).status).toBe(200);
    await MemorySessionRevocations.inProcess().revoke([sid], 60);
    expect((await call('/me', token)).status).toBe(401);
    expect((await call('/me', other)).status).toBe(200);
  });

  it('fails closed with 503 when revocation cannot be checked', async () => {
    const check = jest
      .spyOn(MemorySessionRevocations.inProcess(), 'isRevoked')
      .mockRejectedValueOnce(new SessionStoreUnavailable('Redis is unreachable'));
    try {
      const response = await call('/me', await sign());
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'AUTH.UNAVAILABLE' });
    } finally {
      check.mockRestore();
    }
  });

  const forgeries: [string, () => Promise<string>][] = [
    ['alg none', async () => unsigned({ alg: 'none', typ: 'at+jwt', kid })],
    [
      'HMAC signed with the public key as secret',
      async () => hmacSigned(JSON.stringify(publicJwk), { alg: 'HS256', typ: 'at+jwt', kid }),
    ],
    ['an embedded jwk header', () => sign({ header: { jwk: publicJwk } })],
    ['a jku header', () => sign({ header: { jku: 'https://evil.example/jwks.json' } })],
    ['an x5u header', () => sign({ header: { x5u: 'https://evil.example/cert.pem' } })],
    ['an x5c header', () => sign({ header: { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A'] } })],
    ['an MFA token type', () => sign({ header: { typ: 'mfa+jwt' } })],
    ['a token type other than at+jwt', () => sign({ header: { typ: 'JWT' } })],
    ['an unknown key id', () => sign({ header: { kid: randomUUID() } })],
    ['the wrong issuer', () => sign({ issuer: 'someone-else' })],
    ['the wrong audience', () => sign({ audience: 'another-api' })],
    ['an expired token', () => sign({ expiresIn: -60 })],
    ['a token not valid yet', () => sign({ notBefore: 600 })],
    ['no session id', () => sign({ claims: { sid: undefined } })],
    ['an unknown role', () => sign({ claims: { roles: ['superuser'] } })],
    ['a tampered payload', async () => tamper(await sign())],
  ];

  it.each(forgeries)('refuses %s', async (_name, forge) => {
    const response = await call('/me', await forge());
    expect(response.status).toBe(401);
  });

  function unsigned(header: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      ...claims(),
      iss: ISSUER,
      aud: AUDIENCE,
      sub: randomUUID(),
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 300,
    };
    return `${encode(header)}.${encode(payload)}.`;
  }

  function hmacSigned(secret: string, header: Record<string, unknown>): string {
    const body = unsigned(header).slice(0, -1);
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  }

  function tamper(token: string): string {
    const [header, payload = '', signature] = token.split('.');
    const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString());
    if (typeof decoded !== 'object' || decoded === null) throw new Error('not a JWT payload');
    return `${header}.${encode({ ...decoded, roles: ['admin'] })}.${signature}`;
  }
});

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
