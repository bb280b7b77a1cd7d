import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueName } from '#atlas/testing';
import { startStubUpstream, type StubUpstream } from '../support/stub-upstream.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const ALLOWED_ORIGIN = 'https://shop.example.com';
const LIMIT = 5;

/**
 * What the edge does for every request, whatever the route: limits shared by the replicas,
 * security headers on errors too, CORS by allow-list, and clear refusals of bad requests.
 * Two gateway processes share one Redis namespace, as replicas behind a load balancer do.
 */
describe('the gateway edge (two replicas, real Redis)', () => {
  let catalog: StubUpstream;
  let replicas: GatewayProcess[];

  beforeAll(async () => {
    catalog = await startStubUpstream('ok');
    const env = {
      CATALOG_URL: catalog.url,
      AUTH_URL: catalog.url,
      REDIS_NAMESPACE: uniqueName('edge'),
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      CORS_ORIGINS: ALLOWED_ORIGIN,
      TRUSTED_PROXIES: '127.0.0.1',
    };
    replicas = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  });

  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.stop()));
    await catalog?.stop();
  });

  interface Call {
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    readonly ip?: string;
  }
  const at = (replica: number, path: string, call: Call = {}) => {
    const { ip = '198.51.100.7', ...rest } = call;
    // The gateway trusts X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), as from the load
    // balancer in front of it: each test speaks for its own client address.
    return fetch(`${replicas[replica]?.url}${path}`, {
      ...rest,
      headers: { 'x-forwarded-for': ip, ...rest.headers },
    });
  };

  it('limits a client across replicas, with RateLimit headers and Retry-After', async () => {
    const ip = '203.0.113.50';
    const statuses = [];
    for (let i = 0; i <= LIMIT; i += 1)
      statuses.push((await at(i % 2, '/v1/products', { ip })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);

    const limited = await at(0, '/v1/products', { ip });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-policy')).toBe(`"anonymous";q=${LIMIT};w=60`);
    expect(limited.headers.get('ratelimit')).toMatch(/^"anonymous";r=0;t=\d+$/);
    expect(await limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(await replicas[1]?.metrics()).toMatch(
      /gateway_rate_limit_rejections_total\{[^}]*policy="anonymous"[^}]*\} [1-9]/,
    );
    // Another client still gets in.
    expect((await at(1, '/v1/products', { ip: '203.0.113.51' })).status).toBe(200);
  });

  it('answers a known path asked with another method 405 with Allow', async () => {
    const response = await at(0, '/v1/products', { method: 'PUT', ip: '192.0.2.1' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    expect(await response.json()).toMatchObject({ code: 'HTTP.METHOD_NOT_ALLOWED' });
  });

  it('refuses bodies too deep (400), too large (413) or not JSON (415)', async () => {
    const post = (body: string, type = 'application/json') =>
      at(0, '/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
        ip: '192.0.2.2',
      });
    const before = await catalog.requests();
    const deep = await post(`{"email":${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ code: 'REQUEST.TOO_DEEP' });

    const large = await post(JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024) }));
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ code: 'REQUEST.TOO_LARGE' });

    const text = await post('email=a', 'text/plain');
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' });
    // Refused at the edge: none of them reached the service.
    expect(await catalog.requests()).toBe(before);
  });

  it('sends the security headers and a request id on errors too, and no X-Powered-By', async () => {
    for (const response of [
      await at(0, '/v1/nowhere', { ip: '192.0.2.3' }),
      await at(0, '/v1/products', { method: 'PUT', ip: '192.0.2.3' }),
      await at(1, '/v1/products', { ip: '192.0.2.3' }),
    ]) {
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-request-id')).toMatch(/\S+/);
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('allows only allow-listed origins, never * with credentials', async () => {
    const preflight = (origin: string) =>
      at(0, '/v1/products', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
        ip: '192.0.2.4',
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');

    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
