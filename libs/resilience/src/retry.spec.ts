import { describe, expect, it } from '@jest/globals';
import { FakeClock } from './fake-clock.js';
import { withRetries } from './retry.js';
import { RetryBudget } from './retry-budget.js';

const transient = new Error('ECONNRESET');
const permanent = new Error('400 bad request');
const isRetryable = (error: unknown) => error === transient;

function failing(times: number, error = transient) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    call: async () => {
      calls += 1;
      if (calls <= times) throw error;
      return 'ok';
    },
  };
}

describe('withRetries', () => {
  const delays: number[] = [];
  const base = {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    isRetryable,
    random: () => 0.5,
    wait: async (ms: number) => delays.push(ms),
  };

  it('retries a transient failure with exponential, jittered delays and succeeds', async () => {
    delays.length = 0;
    const upstream = failing(2);
    await expect(withRetries(upstream.call, base)).resolves.toBe('ok');
    expect(upstream.calls).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const upstream = failing(10);
    await expect(withRetries(upstream.call, base)).rejects.toBe(transient);
    expect(upstream.calls).toBe(4);
  });

  it('never retries an error that is not retryable', async () => {
    const upstream = failing(1, permanent);
    await expect(withRetries(upstream.call, base)).rejects.toBe(permanent);
    expect(upstream.calls).toBe(1);
  });

  it('stops retrying when the budget is spent, however many attempts are allowed', async () => {
    const budget = new RetryBudget(
      { ratio: 0, minRetriesPerWindow: 2, windowMs: 10_000 },
      new FakeClock(),
    );
    const first = failing(10);
    await expect(withRetries(first.call, { ...base, budget })).rejects.toBe(transient);
    expect(first.calls).toBe(3);
    const second = failing(10);
    await expect(withRetries(second.call, { ...base, budget })).rejects.toBe(transient);
    expect(second.calls).toBe(1);
  });
});

describe('RetryBudget', () => {
  it('allows retries in proportion to the calls, and refills as the window moves', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerWindow: 0, windowMs: 1_000 }, clock);
    for (let i = 0; i < 10; i += 1) budget.recordCall();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    clock.advance(1_000);
    for (let i = 0; i < 5; i += 1) budget.recordCall();
    expect([budget.tryRetry(), budget.tryRetry()]).toEqual([true, false]);
  });
});
