import { describe, expect, it } from '@jest/globals';
import { describeCacheStoreContract } from '../test/cache-store.contract.js';
import { FakeClock } from '../test/fake-clock.js';
import { memoryCacheHarness } from '../test/memory-harnesses.js';
import { MemoryCacheStore } from './memory-cache.store.js';

describeCacheStoreContract('memory', async () => memoryCacheHarness());

describe('MemoryCacheStore', () => {
  it('with frozen values, gives back what JSON makes of a value, which no caller can change', async () => {
    const store = new MemoryCacheStore({ keyPrefix: 'frozen', frozenValues: true });
    await store.set('product', { at: new Date(0), tags: ['a'], gone: undefined }, 1_000);
    const first = await store.get<{ at: string; tags: string[] }>('product');
    expect(first).toEqual({ at: '1970-01-01T00:00:00.000Z', tags: ['a'] });
    expect(() => first?.tags.push('b')).toThrow(TypeError);
    expect(await store.get('product')).toEqual({ at: '1970-01-01T00:00:00.000Z', tags: ['a'] });
  });

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
