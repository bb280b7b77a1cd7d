import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startStubUpstream, type StubUpstream } from '../support/stub-upstream.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const TIMEOUT_MS = 400;
const OPEN_MS = 1_500;
const MAX_CONCURRENT = 4;

/**
 * The gateway's upstream policy against real processes: two catalog instances (one healthy,
 * one failing), a slow auth service and a failing payments service. Each upstream has its own
 * breaker, bulkhead and instances, so the cases do not disturb each other.
 */
describe('the gateway in front of failing and slow services (real processes)', () => {
  let gateway: GatewayProcess;
  let healthyCatalog: StubUpstream;
  let failingCatalog: StubUpstream;
  let slowAuth: StubUpstream;
  let failingPayments: StubUpstream;

  beforeAll(async () => {
    [healthyCatalog, failingCatalog, slowAuth, failingPayments] = await Promise.all([
      startStubUpstream('ok'),
      startStubUpstream('fail'),
      startStubUpstream('slow', 5_000),
      startStubUpstream('fail'),
    ]);
    gateway = await startGatewayProcess({
      CATALOG_URL: `${failingCatalog.url},${healthyCatalog.url}`,
      AUTH_URL: slowAuth.url,
      PAYMENTS_URL: failingPayments.url,
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      UPSTREAM_MAX_CONCURRENT: String(MAX_CONCURRENT),
      UPSTREAM_BREAKER_OPEN_MS: String(OPEN_MS),
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(
      [healthyCatalog, failingCatalog, slowAuth, failingPayments].map((stub) => stub?.stop()),
    );
  });

  const get = (path: string) => fetch(`${gateway.url}${path}`);
  // Well-formed for the gateway's validation; the stub does not check the signature.
  const postWebhook = () =>
    fetch(`${gateway.url}/v1/payments/provider-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'provider-signature': 't=1,v1=00' },
      body: JSON.stringify({
        id: randomUUID(),
        type: 'authorization.succeeded',
        reference: 'auth-1',
        idempotencyKey: randomUUID(),
        amountCents: 1_000,
        currency: 'EUR',
        createdAt: new Date().toISOString(),
      }),
    });

  it('retries reads on the healthy instance and takes the failing one out', async () => {
    const statuses = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await get('/v1/products')).status);

    expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
    // Round robin sends every other call to the failing instance until it is ejected after
    // five failures in a row; after that it sees nothing while its ejection lasts.
    expect(await failingCatalog.requests()).toBe(5);
    expect(await healthyCatalog.requests()).toBeGreaterThanOrEqual(30);
  });

  it('answers 504 problem+json when a service is too slow, naming no internal address', async () => {
    const response = await get('/.well-known/jwks.json');

    expect(response.status).toBe(504);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: 504, code: 'UPSTREAM.TIMEOUT' });
    expect(body).not.toContain('127.0.0.1');
    expect(body).not.toMatch(/at \S+ \(/); // no stack frames
  });

  it('refuses calls beyond the concurrency limit at once with 503 and Retry-After', async () => {
    const before = await slowAuth.requests();
    const responses = await Promise.all(
      Array.from({ length: MAX_CONCURRENT + 6 }, () => get('/.well-known/jwks.json')),
    );
    const statuses = responses.map((response) => response.status);

    expect(statuses.filter((status) => status === 503)).toHaveLength(6);
    const refused = responses.find((response) => response.status === 503);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Only the admitted calls reached the service (each tried up to three times).
    expect((await slowAuth.requests()) - before).toBeLessThanOrEqual(MAX_CONCURRENT * 3);
  });

  it('never retries a POST, opens the breaker after failures, then probes and closes', async () => {
    const statuses = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await postWebhook()).status);

    // Each failing POST reached payments once; from the 20th call the breaker is open.
    const reached = await failingPayments.requests();
    expect(statuses.filter((status) => status === 500)).toHaveLength(reached);
    expect(reached).toBe(20);
    const open = await postWebhook();
    expect(open.status).toBe(503);
    expect(Number(open.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await open.json()).toMatchObject({ code: 'UPSTREAM.UNAVAILABLE' });
    expect(await failingPayments.requests()).toBe(20);
    expect(await gateway.metrics()).toMatch(
      /gateway_upstream_circuit_state\{[^}]*upstream="payments"[^}]*\} 2/,
    );

    // The service recovers; after the open interval one probe goes through and closes it.
    await failingPayments.setMode('ok');
    await sleep(OPEN_MS + 200);
    expect((await postWebhook()).status).toBe(200);
    expect((await postWebhook()).status).toBe(200);
    expect(await gateway.metrics()).toMatch(
      /gateway_upstream_circuit_state\{[^}]*upstream="payments"[^}]*\} 0/,
    );
    expect(await gateway.metrics()).toMatch(
      /gateway_upstream_request_duration_seconds_count\{[^}]*upstream="payments"[^}]*outcome="circuit_open"[^}]*\} \d+/,
    );
  });
});
