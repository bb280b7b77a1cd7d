import { describe, expect, it } from '@jest/globals';
import { FakeClock, ResilienceError } from '#atlas/resilience';
import { UpstreamPolicy, type UpstreamResponse } from './upstream-policy.js';

const answer = (statusCode: number): UpstreamResponse => ({
  statusCode,
  headers: {},
  body: Buffer.from(''),
});

function policy(urls = ['http://a', 'http://b'], clock = new FakeClock(), minimumCalls = 4) {
  return new UpstreamPolicy({
    name: 'catalog',
    urls,
    timeoutMs: 50,
    maxConcurrent: 2,
    attempts: 3,
    breaker: {
      failureRateThreshold: 0.5,
      minimumCalls,
      windowMs: 10_000,
      openMs: 5_000,
      halfOpenProbes: 1,
    },
    ejection: {
      consecutiveFailures: 2,
      baseEjectionMs: 1_000,
      maxEjectionMs: 5_000,
      maxEjectedShare: 0.5,
    },
    clock,
    wait: async () => undefined,
  });
}

describe('UpstreamPolicy', () => {
  it('retries an idempotent request on another instance when one is down', async () => {
    const calls: string[] = [];
    const response = await policy().call(true, async (origin) => {
      calls.push(origin);
      if (origin === 'http://a') throw new Error('ECONNREFUSED');
      return answer(200);
    });
    expect(response.statusCode).toBe(200);
    expect(calls).toEqual(['http://a', 'http://b']);
  });

  it('sends a request that is not idempotent once, and reports the failure', async () => {
    const calls: string[] = [];
    const sent = policy().call(false, async (origin) => {
      calls.push(origin);
      throw new Error('ECONNRESET');
    });
    await expect(sent).rejects.toThrow('ECONNRESET');
    expect(calls).toHaveLength(1);
  });

  it('returns the upstream 5xx once its retries are spent, and a 4xx without retrying', async () => {
    let calls = 0;
    const unavailable = await policy().call(true, async () => {
      calls += 1;
      return answer(503);
    });
    expect([unavailable.statusCode, calls]).toEqual([503, 3]);

    calls = 0;
    const broken = await policy().call(true, async () => {
      calls += 1;
      return answer(500);
    });
    expect([broken.statusCode, calls]).toEqual([500, 3]);

    calls = 0;
    const refused = await policy().call(true, async () => {
      calls += 1;
      return answer(409);
    });
    expect([refused.statusCode, calls]).toEqual([409, 1]);
  });

  it('times out a slow call and retries it when idempotent', async () => {
    let calls = 0;
    const response = await policy(['http://a']).call(true, (_origin, signal) => {
      calls += 1;
      if (calls === 1) {
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      return Promise.resolve(answer(200));
    });
    expect([response.statusCode, calls]).toEqual([200, 2]);
  });

  it('opens the circuit for a failing service and refuses calls without sending them', async () => {
    const clock = new FakeClock();
    const upstream = policy(['http://a'], clock);
    let sent = 0;
    const failing = async () => {
      sent += 1;
      return answer(500);
    };
    for (let i = 0; i < 4; i += 1) await upstream.call(false, failing);
    expect(upstream.breaker.state).toBe('open');
    const refused = await upstream.call(false, failing).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ResilienceError);
    expect(refused).toMatchObject({ code: 'RESILIENCE.CIRCUIT_OPEN' });
    expect(sent).toBe(4);

    clock.advance(5_000);
    expect((await upstream.call(false, async () => answer(200))).statusCode).toBe(200);
    expect(upstream.breaker.state).toBe('closed');
  });

  it('takes an instance that keeps failing out of the rotation before the breaker trips', async () => {
    // As with the defaults, the breaker waits for more calls than ejection needs failures.
    const upstream = policy(['http://a', 'http://b'], new FakeClock(), 10);
    const seen: string[] = [];
    const send = async (origin: string) => {
      seen.push(origin);
      return answer(origin === 'http://a' ? 500 : 200);
    };
    for (let i = 0; i < 4; i += 1) await upstream.call(false, send);
    expect(upstream.instances.healthy()).toEqual(['http://b']);
    seen.length = 0;
    for (let i = 0; i < 3; i += 1) await upstream.call(false, send);
    expect(seen).toEqual(['http://b', 'http://b', 'http://b']);
    expect(upstream.breaker.state).toBe('closed');
  });

  it('refuses calls over the concurrency limit at once', async () => {
    const upstream = policy();
    const release: (() => void)[] = [];
    const slow = () =>
      new Promise<UpstreamResponse>((resolve) => release.push(() => resolve(answer(200))));
    const running = [upstream.call(true, slow), upstream.call(true, slow)];
    await expect(upstream.call(true, slow)).rejects.toMatchObject({
      code: 'RESILIENCE.CONCURRENCY_LIMIT',
    });
    for (const done of release) done();
    await Promise.all(running);
  });
});
