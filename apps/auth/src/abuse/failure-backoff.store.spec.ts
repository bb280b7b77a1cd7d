import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs, FAILURE_BACKOFF } from './abuse-limits.js';
import { MemoryFailureBackoffStore } from './memory-failure-backoff.store.js';

describe('failure back-off', () => {
  it('slows an account down well before 100 consecutive failures', () => {
    const delays = Array.from({ length: 100 }, (_, index) => backoffDelayMs(index + 1));
    expect(delays.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(delays.slice(4, 8)).toEqual([15_000, 30_000, 60_000, 120_000]);
    expect(delays[10]).toBe(FAILURE_BACKOFF.maxDelayMs);
    const secondsFor100 = delays.reduce((sum, delay) => sum + delay, 0) / 1000;
    expect(secondsFor100).toBeGreaterThan(20 * 3600);
  });

  it('lets four attempts through, makes the fifth failure wait, and forgets it on success', async () => {
    let now = 1_000_000;
    const store = new MemoryFailureBackoffStore(() => now);
    for (let i = 1; i <= 5; i += 1) {
      await expect(store.attempt('login:a', FAILURE_BACKOFF)).resolves.toEqual({
        allowed: true,
        retryAfterMs: 0,
        failures: i,
      });
    }
    now += 10_000;
    await expect(store.attempt('login:a', FAILURE_BACKOFF)).resolves.toEqual({
      allowed: false,
      retryAfterMs: 5_000,
      failures: 5,
    });
    await expect(store.attempt('login:b', FAILURE_BACKOFF)).resolves.toMatchObject({
      allowed: true,
    });
    now += 5_000;
    await expect(store.attempt('login:a', FAILURE_BACKOFF)).resolves.toMatchObject({
      allowed: true,
      failures: 6,
    });
    await store.clear('login:a');
    await expect(store.attempt('login:a', FAILURE_BACKOFF)).resolves.toMatchObject({
      failures: 1,
    });
  });

  it('admits no more than the free attempts when they all arrive at once', async () => {
    const store = new MemoryFailureBackoffStore(() => 0);
    const decisions = await Promise.all(
      Array.from({ length: 20 }, () => store.attempt('login:race', FAILURE_BACKOFF)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
  });

  it('forgets failures after a quiet day', async () => {
    let now = 0;
    const store = new MemoryFailureBackoffStore(() => now);
    for (let i = 0; i < 3; i += 1) await store.attempt('k', FAILURE_BACKOFF);
    now += FAILURE_BACKOFF.memoryMs;
    await expect(store.attempt('k', FAILURE_BACKOFF)).resolves.toMatchObject({ failures: 1 });
  });
});
