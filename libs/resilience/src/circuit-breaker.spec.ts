import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { FakeClock } from './fake-clock.js';
import { ResilienceError } from './resilience.errors.js';

const options = {
  failureRateThreshold: 0.5,
  minimumCalls: 4,
  windowMs: 10_000,
  openMs: 5_000,
  halfOpenProbes: 1,
};
const ok = () => Promise.resolve('ok');
const fail = () => Promise.reject(new Error('upstream 503'));

async function settle(promise: Promise<unknown>): Promise<'ok' | 'failed' | 'refused'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof ResilienceError ? 'refused' : 'failed';
  }
}

describe('CircuitBreaker', () => {
  it('opens once enough calls in the window failed, and refuses calls while open', async () => {
    const breaker = new CircuitBreaker('catalog', options, new FakeClock());
    const outcomes = [];
    for (const call of [ok, fail, fail, fail, ok])
      outcomes.push(await settle(breaker.execute(call)));
    expect(outcomes).toEqual(['ok', 'failed', 'failed', 'failed', 'refused']);
    expect(breaker.state).toBe('open');
  });

  it('does not open on a few failures below the minimum number of calls', async () => {
    const breaker = new CircuitBreaker('catalog', options, new FakeClock());
    for (const call of [fail, fail, fail]) await settle(breaker.execute(call));
    expect(breaker.state).toBe('closed');
  });

  it('forgets outcomes older than the window', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker('catalog', options, clock);
    for (const call of [fail, fail, fail]) await settle(breaker.execute(call));
    clock.advance(10_001);
    for (const call of [ok, ok, fail]) await settle(breaker.execute(call));
    expect(breaker.state).toBe('closed');
  });

  it('keeps an exact count as calls keep expiring out of a busy window', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker('catalog', { ...options, minimumCalls: 20 }, clock);
    // One success every 100 ms for 30 s: the window (10 s, its start excluded) then holds the
    // last 99 of them.
    for (let i = 0; i < 300; i += 1) {
      await settle(breaker.execute(ok));
      clock.advance(100);
    }
    for (let i = 0; i < 98; i += 1) await settle(breaker.execute(fail));
    expect(breaker.state).toBe('closed');
    // 98 failures among the 197 calls of the window, then one more: half of 198.
    await settle(breaker.execute(fail));
    expect(breaker.state).toBe('open');
  });

  it('ignores errors that are not failures of the upstream', async () => {
    const breaker = new CircuitBreaker('catalog', options, new FakeClock());
    const notFound = Object.assign(new Error('404'), { status: 404 });
    for (let i = 0; i < 6; i += 1) {
      await settle(
        breaker.execute(
          () => Promise.reject(notFound),
          (e) => e !== notFound,
        ),
      );
    }
    expect(breaker.state).toBe('closed');
  });

  it('tells callers when to try again, lets one probe through half-open, and closes on success', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker('catalog', options, clock);
    const changes: CircuitState[] = [];
    breaker.onStateChange((state) => changes.push(state));
    for (const call of [fail, fail, fail, fail]) await settle(breaker.execute(call));

    clock.advance(2_000);
    const refused = await breaker.execute(ok).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RESILIENCE.CIRCUIT_OPEN', retryAfterMs: 3_000 });

    clock.advance(3_000);
    expect(breaker.state).toBe('half-open');
    let release: (value: string) => void = () => undefined;
    const probe = breaker.execute(() => new Promise<string>((resolve) => (release = resolve)));
    expect(await settle(breaker.execute(ok))).toBe('refused');
    release('ok');
    await probe;
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again when the probe fails', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker('catalog', options, clock);
    for (const call of [fail, fail, fail, fail]) await settle(breaker.execute(call));
    clock.advance(5_000);
    expect(await settle(breaker.execute(fail))).toBe('failed');
    expect(breaker.state).toBe('open');
  });
});
