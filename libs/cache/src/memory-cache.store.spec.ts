import { describe, expect, it } from '@jest/globals';
import { describeCacheStoreContract } from '../test/cache-store.contract.js';
import { FakeClock } from '../test/fake-clock.js';
import { memoryCacheHarness } from '../test/memory-harnesses.js';
import { MemoryCacheStore } from './memory-cache.store.js';

describeCacheStoreContract('memory', async () => memoryCacheHarness());

describe('MemoryCacheStore', () => {
  it('drops the least recently used entry when full', async () => {
    const store = new MemoryCacheStore({ keyPrefix: 'lru', maxEntries: 3 });
    await store.set('a', 'a', 60_000);
    await store.set('b', 'b', 60_000);
    await store.set('c', 'c', 60_000);
    await store.get('a');

    await store.set('d', 'd', 60_000);

    await expect(store.get('b')).resolves.toBeUndefined();
    for (const kept of ['a', 'c', 'd']) await expect(store.get(kept)).resolves.toBe(kept);
  });

  it('does not count entries that had already expired as deleted', async () => {
    const clock = new FakeClock();
    const store = new MemoryCacheStore({ keyPrefix: 'expired', now: clock.now });
    await store.set('p:old', 1, 100);
    await store.set('p:new', 2, 10_000);
    await clock.advance(200);

    await expect(store.deleteByPrefix('p:')).resolves.toBe(1);
  });

  it('refuses a key prefix that could collide with another namespace', () => {
    expect(() => new MemoryCacheStore({ keyPrefix: 'catalog:cache' })).toThrow(
      /keyPrefix "catalog:cache" must start with a letter or digit/,
    );
    expect(() => new MemoryCacheStore({ keyPrefix: '' })).toThrow(/keyPrefix/);
  });
});
