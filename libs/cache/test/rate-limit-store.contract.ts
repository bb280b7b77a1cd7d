import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueName } from '#atlas/testing';
import type { RateLimitStore } from '../src/rate-limit.store.js';

/** A rate-limit backend under test: memory with a fake clock, or a real Redis. */
export interface RateLimitStoreHarness {
  /**
   * `count` stores sharing one backend and `keyPrefix`, as the gateway's replicas share their
   * Redis (each with its own connection). In memory, one process has one store.
   */
  createStores(keyPrefix: string, count: number): RateLimitStore[];
  /** Lets `ms` pass on the backend's clock: a fake clock's advance, or real waiting. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every RateLimitStore must do. Applied to MemoryRateLimitStore (unit, fake clock) and to
 * RedisRateLimitStore (integration, real Redis), so the two keep the same semantics. Windows
 * are long enough that a real Redis on a busy machine stays inside the margins.
 */
export function describeRateLimitStoreContract(
  backend: string,
  openHarness: () => Promise<RateLimitStoreHarness>,
): void {
  describe(`RateLimitStore contract: ${backend}`, () => {
    let harness: RateLimitStoreHarness;
    beforeAll(async () => {
      harness = await openHarness();
    });
    afterAll(async () => {
      await harness.close();
    });
    const newStore = (): RateLimitStore => {
      const [store] = harness.createStores(uniqueName('ratelimit-contract'), 1);
      if (!store) throw new Error('the harness created no store');
      return store;
    };

    it('allows `limit` requests in a window, counting down, then rejects', async () => {
      const store = newStore();
      const rule = { limit: 3, windowMs: 60_000 };

      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await store.consume('client-1', rule));

      expect(decisions.map((d) => [d.allowed, d.remaining, d.limit])).toEqual([
        [true, 2, 3],
        [true, 1, 3],
        [true, 0, 3],
        [false, 0, 3],
      ]);
      expect(decisions.slice(0, 3).map((d) => d.retryAfterMs)).toEqual([0, 0, 0]);
    });

    it('tells a rejected client when to retry and when the window resets', async () => {
      const store = newStore();
      const rule = { limit: 1, windowMs: 60_000 };
      const first = await store.consume('client-1', rule);

      const rejected = await store.consume('client-1', rule);

      expect(first.resetMs).toBeGreaterThan(59_000);
      expect(first.resetMs).toBeLessThanOrEqual(60_000);
      expect(rejected.allowed).toBe(false);
      expect(rejected.retryAfterMs).toBeGreaterThan(59_000);
      expect(rejected.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(rejected.resetMs).toBe(rejected.retryAfterMs);
    });

    it('slides: each request leaves the window `windowMs` after it was made', async () => {
      const store = newStore();
      // Seconds apart, so that a busy machine's scheduling delays (real Redis, real time)
      // cannot make the second request leave the window along with the first.
      const rule = { limit: 2, windowMs: 6_000 };
      await store.consume('client-1', rule);
      await harness.elapse(3_000);
      await store.consume('client-1', rule);

      const rejected = await store.consume('client-1', rule);
      expect(rejected.allowed).toBe(false);
      // The first request leaves the window first; the second one still counts after that.
      expect(rejected.retryAfterMs).toBeGreaterThan(0);
      expect(rejected.retryAfterMs).toBeLessThanOrEqual(3_000);
      expect(rejected.resetMs).toBeGreaterThan(rejected.retryAfterMs);

      await harness.elapse(rejected.retryAfterMs + 20);
      const afterFirstLeft = await store.consume('client-1', rule);
      const stillFull = await store.consume('client-1', rule);

      expect(afterFirstLeft).toMatchObject({ allowed: true, remaining: 0 });
      expect(stillFull.allowed).toBe(false);
    });

    it('does not count rejected requests against the client', async () => {
      const store = newStore();
      const rule = { limit: 1, windowMs: 600 };
      await store.consume('client-1', rule);
      for (let i = 0; i < 5; i++) await store.consume('client-1', rule);

      await harness.elapse(700);

      await expect(store.consume('client-1', rule)).resolves.toMatchObject({ allowed: true });
    });

    it('keeps keys and key prefixes apart', async () => {
      const store = newStore();
      const other = newStore();
      const rule = { limit: 1, windowMs: 60_000 };
      await store.consume('client-1', rule);

      await expect(store.consume('client-2', rule)).resolves.toMatchObject({ allowed: true });
      await expect(other.consume('client-1', rule)).resolves.toMatchObject({ allowed: true });
      await expect(store.consume('client-1', rule)).resolves.toMatchObject({ allowed: false });
    });

    it('never lets concurrent consumers, on every replica, exceed the limit', async () => {
      const replicas = harness.createStores(uniqueName('ratelimit-contract'), 3);
      const rule = { limit: 25, windowMs: 60_000 };

      const decisions = await Promise.all(
        replicas.flatMap((replica) =>
          Array.from({ length: 20 }, () => replica.consume('popular', rule)),
        ),
      );

      const allowed = decisions.filter((decision) => decision.allowed);
      expect(allowed).toHaveLength(25);
      // Each admitted request saw its own place in the window: no two read the same count.
      expect(new Set(allowed.map((decision) => decision.remaining)).size).toBe(25);
    });

    it('rejects a rule that cannot be enforced', async () => {
      const store = newStore();
      for (const rule of [
        { limit: 0, windowMs: 1_000 },
        { limit: 1.5, windowMs: 1_000 },
        { limit: 5, windowMs: 0 },
        { limit: 5, windowMs: Number.POSITIVE_INFINITY },
      ]) {
        await expect(store.consume('client-1', rule)).rejects.toThrow(RangeError);
      }
    });
  });
}
