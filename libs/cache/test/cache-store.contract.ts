import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { uniqueName } from '#atlas/testing';
import type { CacheStore } from '../src/cache.store.js';

/**
 * A cache backend under test: memory with a fake clock, or a real Redis. Every store a test
 * creates shares the harness's backend, as the replicas of one service share their Redis.
 */
export interface CacheStoreHarness {
  createStore(keyPrefix: string): CacheStore;
  /** Lets `ms` pass on the backend's clock: a fake clock's advance, or real waiting. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every CacheStore must do, whatever keeps the data. Applied to MemoryCacheStore in
 * memory-cache.store.spec.ts and to RedisCacheStore in redis-cache.store.int-spec.ts, so the
 * two cannot drift apart. Timings leave room for a real Redis on a busy machine.
 */
export function describeCacheStoreContract(
  backend: string,
  openHarness: () => Promise<CacheStoreHarness>,
): void {
  describe(`CacheStore contract: ${backend}`, () => {
    let harness: CacheStoreHarness;
    beforeAll(async () => {
      harness = await openHarness();
    });
    afterAll(async () => {
      await harness.close();
    });
    // Each test gets its own namespace, so tests never see each other's keys.
    const newStore = () => harness.createStore(uniqueName('cache-contract'));

    it('returns undefined for a key that was never set', async () => {
      await expect(newStore().get('nothing-here')).resolves.toBeUndefined();
    });

    it('returns a JSON copy of what was stored', async () => {
      const store = newStore();
      const product = { id: 'p1', tags: ['a', 'b'], price: { cents: 1299 }, image: null };
      await store.set('product:p1', { ...product, createdAt: new Date(0) }, 60_000);

      const cached = await store.get<typeof product & { createdAt: string }>('product:p1');

      expect(cached).toEqual({ ...product, createdAt: '1970-01-01T00:00:00.000Z' });
      if (cached) cached.tags.push('mutated');
      await expect(store.get('product:p1')).resolves.toMatchObject({ tags: ['a', 'b'] });
    });

    it('stores every kind of JSON value, null included', async () => {
      const store = newStore();
      const values = [0, 'text', false, null, [1, 'two'], { nested: { deep: true } }];
      for (const [index, value] of values.entries()) await store.set(`v${index}`, value, 60_000);

      for (const [index, value] of values.entries()) {
        await expect(store.get(`v${index}`)).resolves.toEqual(value);
      }
    });

    it('replaces the value and the expiry on set', async () => {
      const store = newStore();
      await store.set('k', 'first', 300);
      await store.set('k', 'second', 60_000);

      await harness.elapse(500);

      await expect(store.get('k')).resolves.toBe('second');
    });

    it('keeps a value until its TTL passes, then forgets it', async () => {
      const store = newStore();
      // Seconds of margin, so a busy machine's scheduling delays (real Redis, real time)
      // cannot expire the value before the first read.
      await store.set('short', 'lived', 2_000);

      await harness.elapse(100);
      await expect(store.get('short')).resolves.toBe('lived');

      await harness.elapse(2_000);
      await expect(store.get('short')).resolves.toBeUndefined();
    });

    it('deletes one key, and deleting a missing key is not an error', async () => {
      const store = newStore();
      await store.set('a', 1, 60_000);
      await store.set('ab', 2, 60_000);

      await store.delete('a');
      await store.delete('never-set');

      await expect(store.get('a')).resolves.toBeUndefined();
      await expect(store.get('ab')).resolves.toBe(2);
    });

    it('deletes by prefix only the keys under it, and says how many', async () => {
      const store = newStore();
      for (const key of [
        'products:1',
        'products:2',
        'products:list:page-1',
        'productsX',
        'orders:1',
      ]) {
        await store.set(key, key, 60_000);
      }

      await expect(store.deleteByPrefix('products:')).resolves.toBe(3);

      await expect(store.get('products:1')).resolves.toBeUndefined();
      await expect(store.get('products:list:page-1')).resolves.toBeUndefined();
      await expect(store.get('productsX')).resolves.toBe('productsX');
      await expect(store.get('orders:1')).resolves.toBe('orders:1');
    });

    it('takes glob characters in a prefix literally', async () => {
      const store = newStore();
      for (const key of ['q:*', 'q:*x', 'q:a', 'q:[ab]', 'q:a]', 'q:?', 'q:b', 'q:\\n']) {
        await store.set(key, key, 60_000);
      }

      await expect(store.deleteByPrefix('q:*')).resolves.toBe(2);
      await expect(store.deleteByPrefix('q:[ab')).resolves.toBe(1);
      await expect(store.deleteByPrefix('q:?')).resolves.toBe(1);
      await expect(store.deleteByPrefix('q:\\')).resolves.toBe(1);

      for (const kept of ['q:a', 'q:a]', 'q:b']) await expect(store.get(kept)).resolves.toBe(kept);
    });

    it('deletes by prefix more keys than fit in one scan page', async () => {
      const store = newStore();
      await Promise.all(Array.from({ length: 1_234 }, (_, i) => store.set(`bulk:${i}`, i, 60_000)));

      await expect(store.deleteByPrefix('bulk:')).resolves.toBe(1_234);

      await expect(store.get('bulk:0')).resolves.toBeUndefined();
      await expect(store.get('bulk:1233')).resolves.toBeUndefined();
    });

    it('keeps the namespaces of different key prefixes apart', async () => {
      const catalog = newStore();
      const orders = newStore();
      await catalog.set('shared-name', 'catalog', 60_000);
      await orders.set('shared-name', 'orders', 60_000);

      await catalog.deleteByPrefix('');

      await expect(catalog.get('shared-name')).resolves.toBeUndefined();
      await expect(orders.get('shared-name')).resolves.toBe('orders');
    });

    it('sets a value only when the key holds none, atomically across clients', async () => {
      const store = newStore();
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, index) => store.setIfAbsent('lease', `owner-${index}`, 400)),
      );

      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims.indexOf(true);
      await expect(store.get('lease')).resolves.toBe(`owner-${winner}`);

      await harness.elapse(500);
      await expect(store.setIfAbsent('lease', 'after expiry', 60_000)).resolves.toBe(true);
      await expect(store.get('lease')).resolves.toBe('after expiry');
    });

    it('loads a missing value once and serves it from the cache afterwards', async () => {
      const store = newStore();
      const loader = jest.fn(async () => ({ name: 'loaded' }));

      await expect(store.getOrLoad('item', 60_000, loader)).resolves.toEqual({ name: 'loaded' });
      await expect(store.getOrLoad('item', 60_000, loader)).resolves.toEqual({ name: 'loaded' });

      expect(loader).toHaveBeenCalledTimes(1);
      await expect(store.get('item')).resolves.toEqual({ name: 'loaded' });
    });

    it('calls the loader once for many concurrent misses of one key', async () => {
      const store = newStore();
      const database = deferred<string>();
      const loader = jest.fn(() => database.promise);

      const callers = Array.from({ length: 25 }, () => store.getOrLoad('hot', 60_000, loader));
      await waitFor(() => loader.mock.calls.length > 0);
      database.resolve('from the database');

      await expect(Promise.all(callers)).resolves.toEqual(Array(25).fill('from the database'));
      expect(loader).toHaveBeenCalledTimes(1);
    });

    it("gives every waiting caller the loader's error and caches nothing", async () => {
      const store = newStore();
      const failing = jest.fn(async (): Promise<string> => {
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('database down');
      });

      const callers = Array.from({ length: 5 }, () => store.getOrLoad('flaky', 60_000, failing));
      for (const caller of callers) await expect(caller).rejects.toThrow('database down');
      expect(failing).toHaveBeenCalledTimes(1);

      await expect(store.getOrLoad('flaky', 60_000, async () => 'recovered')).resolves.toBe(
        'recovered',
      );
    });

    it('loads again once the cached value expired', async () => {
      const store = newStore();
      let version = 0;
      const loader = async () => `v${++version}`;

      await expect(store.getOrLoad('versioned', 300, loader)).resolves.toBe('v1');
      await harness.elapse(400);

      await expect(store.getOrLoad('versioned', 300, loader)).resolves.toBe('v2');
    });

    it('keeps a value loaded across a delete out of the cache', async () => {
      const store = newStore();
      const database = deferred<string>();
      const slow = jest.fn(() => database.promise);

      const before = store.getOrLoad('product:9', 60_000, slow);
      await waitFor(() => slow.mock.calls.length > 0);
      await store.deleteByPrefix('product:');
      database.resolve('read before the update');

      await expect(before).resolves.toBe('read before the update');
      await expect(store.get('product:9')).resolves.toBeUndefined();
      await expect(store.getOrLoad('product:9', 60_000, async () => 'fresh')).resolves.toBe(
        'fresh',
      );
    });

    it('rejects a TTL that is not a positive whole number of milliseconds', async () => {
      const store = newStore();
      for (const ttl of [0, -1, 1.5, Number.NaN]) {
        await expect(store.set('k', 'v', ttl)).rejects.toThrow(RangeError);
      }
      await expect(store.getOrLoad('k', 0, async () => 'v')).rejects.toThrow(/ttlMs must be/);
    });

    it('refuses values that have no JSON form', async () => {
      await expect(newStore().set('k', undefined, 1_000)).rejects.toThrow(/Cache null/);
    });
  });
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
