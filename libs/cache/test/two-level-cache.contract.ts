import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { uniqueName } from '#atlas/testing';
import type { CacheStore } from '../src/cache.store.js';
import type { PubSub } from '../src/pub-sub.js';
import { TwoLevelCache } from '../src/two-level-cache.js';

/** Replicas of one service: each its own process level, all sharing one backend. */
export interface TwoLevelHarness {
  /** A replica's shared store and pub/sub, on its own connection to the common backend. */
  replica(keyPrefix: string, namespace: string): Promise<{ shared: CacheStore; pubSub: PubSub }>;
  close(): Promise<void>;
}

/** The two-level cache over the memory hub (unit) and over a real Redis (integration). */
export function describeTwoLevelCache(
  backend: string,
  openHarness: () => Promise<TwoLevelHarness>,
): void {
  describe(`TwoLevelCache on ${backend}`, () => {
    let harness: TwoLevelHarness;
    const started: TwoLevelCache[] = [];
    beforeAll(async () => {
      harness = await openHarness();
    });
    afterAll(async () => {
      for (const cache of started) await cache.stop();
      await harness.close();
    });

    /** `count` replicas of a cache named `products`, in a namespace of their own. */
    async function replicas(count: number): Promise<TwoLevelCache[]> {
      const keyPrefix = uniqueName('two-level');
      const namespace = uniqueName('ns');
      const caches: TwoLevelCache[] = [];
      for (let i = 0; i < count; i += 1) {
        const { shared, pubSub } = await harness.replica(keyPrefix, namespace);
        caches.push(new TwoLevelCache(shared, pubSub, { name: 'products' }));
      }
      for (const cache of caches) await cache.start();
      started.push(...caches);
      return caches;
    }

    it('loads once for concurrent misses, in one replica and across replicas', async () => {
      const [a, b] = await replicas(2);
      if (!a || !b) throw new Error('no replicas');
      const database = deferred<{ name: string }>();
      const loader = jest.fn(() => database.promise);

      const callers = [a, b].flatMap((replica) =>
        Array.from({ length: 10 }, () => replica.getOrLoad('products:1', 60_000, loader)),
      );
      await waitFor(() => loader.mock.calls.length > 0);
      // Give the other replica every chance to load too, were it not waiting on the lease.
      await sleep(200);
      database.resolve({ name: 'Lamp' });

      await expect(Promise.all(callers)).resolves.toEqual(
        Array.from({ length: 20 }, () => ({ name: 'Lamp' })),
      );
      expect(loader).toHaveBeenCalledTimes(1);
    });

    it('serves later reads from the process, without asking the loader again', async () => {
      const [a] = await replicas(1);
      if (!a) throw new Error('no replica');
      const loader = jest.fn(async () => 'v1');
      await a.getOrLoad('products:2', 60_000, loader);
      await a.getOrLoad('products:2', 60_000, loader);
      expect(loader).toHaveBeenCalledTimes(1);
    });

    it("drops another replica's in-process copy when one replica invalidates", async () => {
      const [writer, reader] = await replicas(2);
      if (!writer || !reader) throw new Error('no replicas');
      let current = 'old name';
      const load = async () => current;
      await expect(reader.getOrLoad('products:3', 600_000, load)).resolves.toBe('old name');

      current = 'new name';
      await writer.invalidate({ keys: ['products:3'] });

      // Without the broadcast, the reader's own copy would say "old name" for ten minutes.
      await expect(
        eventually(() => reader.getOrLoad('products:3', 600_000, load), 'new name'),
      ).resolves.toBe('new name');
    });

    it('drops whole prefixes on every replica', async () => {
      const [writer, reader] = await replicas(2);
      if (!writer || !reader) throw new Error('no replicas');
      let version = 1;
      const load = async () => `page v${version}`;
      await reader.getOrLoad('products:list:1', 600_000, load);
      await reader.getOrLoad('products:list:2', 600_000, load);

      version = 2;
      await writer.invalidate({ prefixes: ['products:list:'] });

      await expect(
        eventually(() => reader.getOrLoad('products:list:2', 600_000, load), 'page v2'),
      ).resolves.toBe('page v2');
      await expect(reader.getOrLoad('products:list:1', 600_000, load)).resolves.toBe('page v2');
    });

    it('caches nothing from a load that overlapped an invalidation', async () => {
      const [a] = await replicas(1);
      if (!a) throw new Error('no replica');
      const stale = deferred<string>();
      const slow = jest.fn(() => stale.promise);

      const before = a.getOrLoad('products:4', 600_000, slow);
      await waitFor(() => slow.mock.calls.length > 0);
      await a.invalidate({ keys: ['products:4'] });
      stale.resolve('read before the change');

      await expect(before).resolves.toBe('read before the change');
      await expect(a.getOrLoad('products:4', 600_000, async () => 'fresh')).resolves.toBe('fresh');
    });
  });
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

/** Reads until the value is `expected` or 5 s passed; returns the last value read. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 5_000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await sleep(20);
    value = await read();
  }
  return value;
}
