import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import { defineChannel } from '#atlas/contracts';
import { assertValidTtl } from './cache-arguments.js';
import { CacheError } from './cache.error.js';
import type { CacheStore } from './cache.store.js';
import { MemoryCacheStore } from './memory-cache.store.js';
import type { PubSub, PubSubSubscription } from './pub-sub.js';

/** Tells every replica to drop these entries from its in-process level. */
export const CacheInvalidated = defineChannel(
  'cache.invalidated.v1',
  z.object({
    cache: z.string(),
    keys: z.array(z.string()),
    prefixes: z.array(z.string()),
  }),
);

export interface TwoLevelCacheOptions {
  /** The cache's name, shared by the replicas of a service: `products`. */
  readonly name: string;
  /** Entries each process keeps in memory, least recently used out first. Default 1 000. */
  readonly localMaxEntries?: number;
  /**
   * How long one replica may load a missing key while the others wait for its result, before
   * they give up waiting and load it themselves. Default 2 s.
   */
  readonly leaseMs?: number;
  /** How often a waiting replica looks for the leaseholder's result. Default 25 ms. */
  readonly leasePollMs?: number;
  /** Milliseconds since the epoch and a number in [0, 1): tests make both predictable. */
  readonly now?: () => number;
  readonly random?: () => number;
  /**
   * Where to count lookups, as `cache_lookups_total{cache,result}` with result `hit_local`,
   * `hit_shared` or `miss`: the app's registry (`ServiceMetrics.registry`). None: not counted.
   */
  readonly registry?: Registry;
}

/** Where a lookup found its value: this process, the shared level, or nowhere (loaded). */
export type CacheLookupResult = 'hit_local' | 'hit_shared' | 'miss';

const LOOKUPS_METRIC = 'cache_lookups_total';

export interface CacheTargets {
  readonly keys?: readonly string[];
  readonly prefixes?: readonly string[];
}

/**
 * A cache in two levels: a small one in this process (no network hop at all) in front of the
 * shared one (Redis, one for all replicas). Reads try the process, then Redis, then load.
 *
 * Stampedes: concurrent misses of a key in one process share one load (single-flight); across
 * replicas, the first to miss takes a short lease in Redis and loads, the others wait for its
 * result instead of loading too. Expiries carry up to 10 % jitter, so keys cached together do
 * not all expire in the same instant.
 *
 * A value found in this process is the one frozen object every such hit shares (no parse per
 * hit): callers read what they get and never change it.
 *
 * Invalidation: `invalidate` deletes the entries from Redis and broadcasts on pub/sub, and
 * every replica drops them from its own level. A load that overlapped an invalidation caches
 * nothing, since it may have read the data from before the change. A replica whose
 * subscription broke (and so may have missed a broadcast) empties its own level.
 */
export class TwoLevelCache {
  private readonly local: MemoryCacheStore;
  private readonly replica = randomUUID();
  private readonly leaseMs: number;
  private readonly leasePollMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Bumped by every invalidation: a load that saw it change caches nothing. */
  private generation = 0;
  private subscription: PubSubSubscription | undefined;
  private stopListeningForReconnects: (() => void) | undefined;
  private readonly lookups: Counter<'cache' | 'result'> | undefined;

  constructor(
    private readonly shared: CacheStore,
    private readonly pubSub: PubSub,
    private readonly options: TwoLevelCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.local = new MemoryCacheStore({
      keyPrefix: `local-${options.name}`,
      maxEntries: options.localMaxEntries ?? 1_000,
      now: this.now,
      frozenValues: true,
    });
    this.leaseMs = options.leaseMs ?? 2_000;
    this.leasePollMs = options.leasePollMs ?? 25;
    this.lookups = options.registry && lookupsCounter(options.registry);
  }

  /** Starts hearing other replicas' invalidations; call before serving reads. */
  async start(): Promise<void> {
    this.subscription = await this.pubSub.subscribe(CacheInvalidated, (message) => {
      if (message.cache === this.options.name) this.dropLocal(message);
    });
    this.stopListeningForReconnects = this.pubSub.onReconnect(() =>
      this.dropLocal({ prefixes: [''] }),
    );
  }

  async stop(): Promise<void> {
    this.stopListeningForReconnects?.();
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** The value from this process, else from Redis, else from `loader` (then cached in both). */
  getOrLoad<T>(key: string, ttlMs: number, loader: () => Promise<T>): Promise<T> {
    assertValidTtl(ttlMs);
    return this.lookUp(key, ttlMs, loader);
  }

  private async lookUp<T>(key: string, ttlMs: number, loader: () => Promise<T>): Promise<T> {
    // A lookup that found the key in this process (or joined a load already running here)
    // never calls the function below.
    let result: CacheLookupResult = 'hit_local';
    const value = await this.local.getOrLoad(key, this.jittered(ttlMs), async () => {
      const found = await this.loadThroughShared(key, ttlMs, loader);
      result = found.result;
      return found.value;
    });
    this.lookups?.inc({ cache: this.options.name, result });
    return value;
  }

  /**
   * Drops the entries everywhere: here, in Redis, and (by broadcast) on every other replica.
   * Throws when Redis cannot be told, so a caller that must not lose the invalidation (an
   * event handler) is retried; other replicas still expire their copies after the TTL.
   */
  async invalidate(targets: CacheTargets): Promise<void> {
    const keys = [...(targets.keys ?? [])];
    const prefixes = [...(targets.prefixes ?? [])];
    this.dropLocal({ keys, prefixes });
    for (const key of keys) await this.shared.delete(key);
    for (const prefix of prefixes) await this.shared.deleteByPrefix(prefix);
    await this.pubSub.publish(CacheInvalidated, { cache: this.options.name, keys, prefixes });
  }

  private dropLocal(targets: CacheTargets): void {
    this.generation += 1;
    // The memory store's deletes never wait on anything; they also mark loads in flight stale.
    for (const key of targets.keys ?? []) void this.local.delete(key);
    for (const prefix of targets.prefixes ?? []) void this.local.deleteByPrefix(prefix);
  }

  private async loadThroughShared<T>(
    key: string,
    ttlMs: number,
    loader: () => Promise<T>,
  ): Promise<{ value: T; result: Exclude<CacheLookupResult, 'hit_local'> }> {
    const generation = this.generation;
    const cached = await this.unlessUnavailable(() => this.shared.get<T>(key));
    if (cached !== undefined) return { value: cached, result: 'hit_shared' };

    const leaseKey = `lease:${key}`;
    const leased = await this.unlessUnavailable(() =>
      this.shared.setIfAbsent(leaseKey, this.replica, this.leaseMs),
    );
    if (leased === false) {
      const loadedElsewhere = await this.waitForLeaseholder<T>(key, leaseKey);
      if (loadedElsewhere !== undefined) return { value: loadedElsewhere, result: 'hit_shared' };
    }
    try {
      const loaded = await loader();
      if (loaded !== undefined && generation === this.generation) {
        await this.unlessUnavailable(() => this.shared.set(key, loaded, this.jittered(ttlMs)));
      }
      return { value: loaded, result: 'miss' };
    } finally {
      if (leased === true) await this.unlessUnavailable(() => this.shared.delete(leaseKey));
    }
  }

  /** The leaseholder's value once it is in Redis; undefined if the lease ends without one. */
  private async waitForLeaseholder<T>(key: string, leaseKey: string): Promise<T | undefined> {
    const deadline = this.now() + this.leaseMs;
    while (this.now() < deadline) {
      await sleep(this.leasePollMs);
      const value = await this.unlessUnavailable(() => this.shared.get<T>(key));
      if (value !== undefined) return value;
      const holder = await this.unlessUnavailable(() => this.shared.get(leaseKey));
      if (holder === undefined) return undefined;
    }
    return undefined;
  }

  private jittered(ttlMs: number): number {
    return Math.max(1, ttlMs - Math.floor(this.random() * ttlMs * 0.1));
  }

  // Without Redis the cache degrades to this process's level and the loader: slower, not down.
  private async unlessUnavailable<R>(operation: () => Promise<R>): Promise<R | undefined> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof CacheError && error.code === 'CACHE.UNAVAILABLE') return undefined;
      throw error;
    }
  }
}

/** One counter per registry, shared by every cache of the app (told apart by `cache`). */
function lookupsCounter(registry: Registry): Counter<'cache' | 'result'> {
  const existing = registry.getSingleMetric(LOOKUPS_METRIC);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: LOOKUPS_METRIC,
    help: 'Cache lookups by where the value was found: hit_local, hit_shared or miss (loaded).',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
}
