import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './backoff.js';
import { sleep } from './sleep.js';

const options = { initialDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelay', () => {
  it('doubles the delay per attempt, between half and all of the nominal value', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
  });

  it('never exceeds maxDelayMs however many attempts failed', () => {
    expect(backoffDelay(50, options, () => 1)).toBe(1000);
  });

  it('spreads retries of the same attempt with jitter', () => {
    expect(backoffDelay(2, options, () => 0.25)).not.toBe(backoffDelay(2, options, () => 0.75));
  });

  it('with full jitter waits anything from nothing up to the nominal delay', () => {
    const full = { ...options, jitter: 'full' } as const;
    expect(backoffDelay(3, full, () => 0)).toBe(0);
    expect(backoffDelay(3, full, () => 0.5)).toBe(200);
    expect(backoffDelay(50, full, () => 0.999)).toBe(999);
  });
});

describe('sleep', () => {
  it('returns early when its signal aborts', async () => {
    const controller = new AbortController();
    let finished = false;
    const waiting = (async () => {
      await sleep(60_000, controller.signal);
      finished = true;
    })();
    await Promise.resolve();
    expect(finished).toBe(false);
    controller.abort();
    await waiting;
    expect(finished).toBe(true);
  });
});
