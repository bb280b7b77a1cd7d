import { describe, expect, it } from '@jest/globals';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { FakeClock } from './fake-clock.js';
import { InstancePool } from './instance-pool.js';
import { withTimeout } from './timeout.js';

describe('ConcurrencyLimiter', () => {
  it('refuses calls over the limit at once, and admits again when one finishes', async () => {
    const limiter = new ConcurrencyLimiter('orders', 2);
    const releases: (() => void)[] = [];
    const slow = () => new Promise<void>((resolve) => releases.push(resolve));
    const running = [limiter.run(slow), limiter.run(slow)];
    await expect(limiter.run(slow)).rejects.toMatchObject({ code: 'RESILIENCE.CONCURRENCY_LIMIT' });
    releases.shift()?.();
    await running[0];
    const third = limiter.run(slow);
    expect(limiter.active).toBe(2);
    for (const release of releases) release();
    await Promise.all([running[1], third]);
    expect(limiter.active).toBe(0);
  });
});

describe('withTimeout', () => {
  it('aborts the call and fails with a timeout when it takes too long', async () => {
    let aborted = false;
    const never = (signal: AbortSignal) =>
      new Promise<never>(() => signal.addEventListener('abort', () => (aborted = true)));
    await expect(withTimeout('payments', 20, never)).rejects.toMatchObject({
      code: 'RESILIENCE.TIMEOUT',
    });
    expect(aborted).toBe(true);
  });

  it('fails with the timeout even when the call fails at once as it is aborted', async () => {
    // An HTTP client that rejects from inside its abort listener (undici's dispatch does).
    const failsOnAbort = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    await expect(withTimeout('catalog', 20, failsOnAbort)).rejects.toMatchObject({
      code: 'RESILIENCE.TIMEOUT',
    });
  });

  it('returns the answer of a call that finishes in time', async () => {
    await expect(withTimeout('payments', 1_000, async () => 'paid')).resolves.toBe('paid');
  });
});

describe('InstancePool', () => {
  const options = {
    consecutiveFailures: 3,
    baseEjectionMs: 1_000,
    maxEjectionMs: 10_000,
    maxEjectedShare: 0.5,
  };

  it('balances over the instances in turn', () => {
    const pool = new InstancePool(
      'catalog',
      ['http://a', 'http://b', 'http://c'],
      options,
      new FakeClock(),
    );
    expect([pool.pick(), pool.pick(), pool.pick(), pool.pick()]).toEqual([
      'http://a',
      'http://b',
      'http://c',
      'http://a',
    ]);
  });

  it('takes out an instance that keeps failing, for longer each time, and brings it back', () => {
    const clock = new FakeClock();
    const pool = new InstancePool('catalog', ['http://a', 'http://b'], options, clock);
    for (let i = 0; i < 3; i += 1) pool.report('http://a', false);
    expect(pool.healthy()).toEqual(['http://b']);
    expect([pool.pick(), pool.pick()]).toEqual(['http://b', 'http://b']);
    clock.advance(1_000);
    expect(pool.healthy()).toEqual(['http://a', 'http://b']);
    for (let i = 0; i < 3; i += 1) pool.report('http://a', false);
    clock.advance(1_000);
    expect(pool.healthy()).toEqual(['http://b']);
    clock.advance(1_000);
    expect(pool.healthy()).toEqual(['http://a', 'http://b']);
  });

  it('never ejects more than the allowed share, so a failing service keeps its instances', () => {
    const pool = new InstancePool('catalog', ['http://a', 'http://b'], options, new FakeClock());
    for (let i = 0; i < 3; i += 1) pool.report('http://a', false);
    for (let i = 0; i < 3; i += 1) pool.report('http://b', false);
    expect(pool.healthy()).toEqual(['http://b']);
    const single = new InstancePool('auth', ['http://only'], options, new FakeClock());
    for (let i = 0; i < 10; i += 1) single.report('http://only', false);
    expect(single.pick()).toBe('http://only');
  });

  it('resets the failure count on a success', () => {
    const pool = new InstancePool('catalog', ['http://a', 'http://b'], options, new FakeClock());
    pool.report('http://a', false);
    pool.report('http://a', false);
    pool.report('http://a', true);
    pool.report('http://a', false);
    expect(pool.healthy()).toEqual(['http://a', 'http://b']);
  });
});
