import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { MemoryRateLimitStore, RateLimitStore } from '#atlas/cache';
import { limitClientRate } from './client-rate-limit.js';

describe('limitClientRate', () => {
  let fastify: FastifyInstance | undefined;

  afterEach(async () => {
    await fastify?.close();
  });

  const rejected: string[] = [];

  /** Stands in for BearerUser: the token "valid-<id>" verifies as user <id>, nothing else does. */
  async function userOf(request: FastifyRequest): Promise<string | undefined> {
    const token = request.headers.authorization?.replace('Bearer ', '');
    return token?.startsWith('valid-') ? token.slice('valid-'.length) : undefined;
  }

  async function serve(store: RateLimitStore, trustProxy: string[] = []) {
    fastify = Fastify(trustProxy.length > 0 ? { trustProxy } : {});
    limitClientRate(fastify, store, {
      anonymous: { name: 'anonymous', limit: 3, windowMs: 60_000 },
      user: { name: 'user', limit: 5, windowMs: 60_000 },
      userOf,
      onRejected: (policy) => rejected.push(policy),
    });
    fastify.get('/v1/products', async () => ({ ok: true }));
    fastify.get('/health/ready', async () => ({ status: 'ok' }));
    await fastify.ready();
    return fastify;
  }

  it('answers 429 problem+json with Retry-After once a client is over its limit', async () => {
    const app = await serve(new MemoryRateLimitStore({ keyPrefix: 'test' }));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await app.inject({ url: '/v1/products', remoteAddress: '203.0.113.5' })).statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);

    const limited = await app.inject({ url: '/v1/products', remoteAddress: '203.0.113.5' });
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-policy']).toBe('"anonymous";q=3;w=60');
    expect(limited.headers.ratelimit).toMatch(/^"anonymous";r=0;t=\d+$/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });

    // Another client is counted on its own, and probes are never limited.
    expect(
      (await app.inject({ url: '/v1/products', remoteAddress: '203.0.113.6' })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ url: '/health/ready', remoteAddress: '203.0.113.5' })).statusCode,
    ).toBe(200);
  });

  it('counts a verified user on their own budget, and an unverifiable token against its IP', async () => {
    rejected.length = 0;
    const app = await serve(new MemoryRateLimitStore({ keyPrefix: 'test' }));
    const call = (authorization?: string) =>
      app.inject({
        url: '/v1/products',
        remoteAddress: '203.0.113.7',
        ...(authorization ? { headers: { authorization } } : {}),
      });

    // Two users behind one address each get the user policy's 5, not the IP's 3 between them.
    for (const user of ['alice', 'bob']) {
      const statuses = [];
      for (let i = 0; i < 6; i += 1) statuses.push((await call(`Bearer valid-${user}`)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    }
    const ok = await call('Bearer valid-carol');
    expect(ok.headers['ratelimit-policy']).toBe('"user";q=5;w=60');

    // A forged token is anonymous: it spends the IP's budget, not alice's (already spent).
    const forged = [];
    for (let i = 0; i < 4; i += 1) forged.push((await call('Bearer forged-alice')).statusCode);
    expect(forged).toEqual([200, 200, 200, 429]);
    expect(rejected).toEqual(['user', 'user', 'anonymous']);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const app = await serve(new MemoryRateLimitStore({ keyPrefix: 'test' }), ['10.0.0.0/8']);
    const viaProxy = (client: string) =>
      app.inject({
        url: '/v1/products',
        remoteAddress: '10.1.2.3',
        headers: { 'x-forwarded-for': client },
      });
    for (let i = 0; i < 3; i += 1) await viaProxy('198.51.100.1');
    expect((await viaProxy('198.51.100.1')).statusCode).toBe(429);
    expect((await viaProxy('198.51.100.2')).statusCode).toBe(200);

    // A client that is not a trusted proxy cannot dodge its limit by inventing addresses.
    const direct = (forged: string) =>
      app.inject({
        url: '/v1/products',
        remoteAddress: '203.0.113.9',
        headers: { 'x-forwarded-for': forged },
      });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await direct(`192.0.2.${i}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('lets requests through when the store is down, as documented', async () => {
    class DownStore extends RateLimitStore {
      consume(): never {
        throw new Error('ECONNREFUSED');
      }
    }
    const app = await serve(new DownStore());
    for (let i = 0; i < 5; i += 1) {
      expect((await app.inject({ url: '/v1/products' })).statusCode).toBe(200);
    }
  });
});
