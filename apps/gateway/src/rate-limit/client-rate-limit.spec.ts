import { afterEach, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { MemoryRateLimitStore, RateLimitStore } from '#atlas/cache';
import { limitClientRate } from './client-rate-limit.js';

describe('limitClientRate', () => {
  let fastify: FastifyInstance | undefined;

  afterEach(async () => {
    await fastify?.close();
  });

  async function serve(store: RateLimitStore, trustProxy: string[] = []) {
    fastify = Fastify(trustProxy.length > 0 ? { trustProxy } : {});
    limitClientRate(fastify, store, { limit: 3, windowMs: 60_000 });
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
    expect(limited.headers['ratelimit-policy']).toBe('3;w=60');
    expect(limited.headers.ratelimit).toMatch(/^limit=3, remaining=0, reset=\d+$/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });

    // Another client is counted on its own, and probes are never limited.
    expect(
      (await app.inject({ url: '/v1/products', remoteAddress: '203.0.113.6' })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ url: '/health/ready', remoteAddress: '203.0.113.5' })).statusCode,
    ).toBe(200);
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
