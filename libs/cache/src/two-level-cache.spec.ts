import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { describeTwoLevelCache } from '../test/two-level-cache.contract.js';
import { MemoryCacheStore } from './memory-cache.store.js';
import { MemoryPubSub } from './memory-pub-sub.js';
import { PubSub, type PubSubSubscription } from './pub-sub.js';
import { TwoLevelCache } from './two-level-cache.js';

// In memory, "replicas" share one store as the second level, as replicas share one Redis.
describeTwoLevelCache('memory', async () => {
  const sharedStores = new Map<string, MemoryCacheStore>();
  const pubSubs: MemoryPubSub[] = [];
  return {
    replica: async (keyPrefix, namespace) => {
      let shared = sharedStores.get(keyPrefix);
      if (!shared) {
        shared = new MemoryCacheStore({ keyPrefix });
        sharedStores.set(keyPrefix, shared);
      }
      const pubSub = new MemoryPubSub({ namespace });
      pubSubs.push(pubSub);
      return { shared, pubSub };
    },
    close: async () => {
      for (const pubSub of pubSubs) await pubSub.close();
    },
  };
});

/** A pub/sub whose subscription a test can break and bring back. */
class BreakablePubSub extends PubSub {
  private readonly reconnectListeners = new Set<() => void>();

  reconnect(): void {
    for (const listener of this.reconnectListeners) listener();
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {}

  protected async publishJson(): Promise<void> {}

  protected async subscribeJson(): Promise<PubSubSubscription> {
    return { unsubscribe: async () => undefined };
  }
}

describe('TwoLevelCache', () => {
  it('empties its own level after its subscription broke, since it may have missed a broadcast', async () => {
    const pubSub = new BreakablePubSub();
    const shared = new MemoryCacheStore({ keyPrefix: 'shared' });
    const cache = new TwoLevelCache(shared, pubSub, { name: 'products' });
    await cache.start();
    let version = 1;
    const load = async () => `v${version}`;
    await cache.getOrLoad('products:1', 600_000, load);
    // Another replica changed the product and cleared Redis; its broadcast never came.
    version = 2;
    await shared.delete('products:1');

    pubSub.reconnect();

    await expect(cache.getOrLoad('products:1', 600_000, load)).resolves.toBe('v2');
    await cache.stop();
  });

  it('spreads expiries by up to a tenth of the TTL', async () => {
    const ttls: number[] = [];
    class Recording extends MemoryCacheStore {
      override async set(key: string, value: unknown, ttlMs: number): Promise<void> {
        if (key === 'k') ttls.push(ttlMs);
        await super.set(key, value, ttlMs);
      }
    }
    const recording = new Recording({ keyPrefix: 'jitter' });
    const cache = new TwoLevelCache(recording, new BreakablePubSub(), {
      name: 'jitter',
      random: () => 0.999,
    });
    await cache.getOrLoad('k', 10_000, async () => 'v');
    expect(ttls).toEqual([9_001]);
  });

  it('counts each lookup by where it found the value: this process, the shared level, or nowhere', async () => {
    const registry = new Registry();
    const shared = new MemoryCacheStore({ keyPrefix: 'counted' });
    const options = { name: 'products', registry };
    const first = new TwoLevelCache(shared, new BreakablePubSub(), options);
    const second = new TwoLevelCache(shared, new BreakablePubSub(), options);
    const load = async () => 'v';

    await first.getOrLoad('p:1', 60_000, load); // nowhere: loaded
    await first.getOrLoad('p:1', 60_000, load); // this process
    await second.getOrLoad('p:1', 60_000, load); // another replica put it in the shared level

    const values = (await registry.getSingleMetric('cache_lookups_total')?.get())?.values ?? [];
    const counts = Object.fromEntries(values.map((v) => [String(v.labels['result']), v.value]));
    expect(counts).toEqual({ miss: 1, hit_local: 1, hit_shared: 1 });
    expect(values.every((v) => v.labels['cache'] === 'products')).toBe(true);
  });
});
