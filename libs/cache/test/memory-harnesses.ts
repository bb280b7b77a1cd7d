import { MemoryCacheStore } from '../src/memory-cache.store.js';
import { MemoryRateLimitStore } from '../src/memory-rate-limit.store.js';
import type { CacheStoreHarness } from './cache-store.contract.js';
import { FakeClock } from './fake-clock.js';
import type { RateLimitStoreHarness } from './rate-limit-store.contract.js';

// The memory stores under the contracts, on a fake clock: time passes only when a test says.

export function memoryCacheHarness(clock = new FakeClock()): CacheStoreHarness {
  return {
    createStore: (keyPrefix) => new MemoryCacheStore({ keyPrefix, now: clock.now }),
    elapse: (ms) => clock.advance(ms),
    close: async () => undefined,
  };
}

export function memoryRateLimitHarness(clock = new FakeClock()): RateLimitStoreHarness {
  return {
    // One process has one store: every "replica" is the same instance.
    createStores: (keyPrefix, count) => {
      const store = new MemoryRateLimitStore({ keyPrefix, now: clock.now });
      return Array.from({ length: count }, () => store);
    },
    elapse: (ms) => clock.advance(ms),
    close: async () => undefined,
  };
}
