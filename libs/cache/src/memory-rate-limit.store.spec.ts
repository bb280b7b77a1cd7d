import { describe, expect, it } from '@jest/globals';
import { memoryRateLimitHarness } from '../test/memory-harnesses.js';
import { describeRateLimitStoreContract } from '../test/rate-limit-store.contract.js';
import { MemoryRateLimitStore } from './memory-rate-limit.store.js';

describeRateLimitStoreContract('memory', async () => memoryRateLimitHarness());

describe('MemoryRateLimitStore', () => {
  it('forgets the least recently seen key when it tracks too many', async () => {
    const store = new MemoryRateLimitStore({ keyPrefix: 'bounded', maxKeys: 2 });
    const rule = { limit: 1, windowMs: 60_000 };
    await store.consume('a', rule);
    await store.consume('b', rule);
    await store.consume('a', rule);

    await store.consume('c', rule);

    // "a" was seen more recently than "b", so "b" was forgotten and starts afresh.
    await expect(store.consume('a', rule)).resolves.toMatchObject({ allowed: false });
    await expect(store.consume('b', rule)).resolves.toMatchObject({ allowed: true });
  });
});
