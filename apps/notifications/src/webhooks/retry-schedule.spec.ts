import { describe, expect, it } from '@jest/globals';
import { retryDelayMs } from './retry-schedule.js';

const schedule = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 10_000 };

describe('retryDelayMs', () => {
  it('doubles the step with every failure, half of it random', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(schedule, attempt, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(schedule, attempt, () => 0.999999))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('never waits longer than the maximum', () => {
    expect(retryDelayMs(schedule, 30, () => 0.999999)).toBe(10_000);
    expect(retryDelayMs(schedule, 30, () => 0)).toBe(5_000);
  });
});
