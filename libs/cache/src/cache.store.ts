import { assertValidTtl } from './cache-arguments.js';
import { CacheError } from './cache.error.js';
import { SingleFlight } from './single-flight.js';

/**
 * A key-value cache with expiry, shared by a service's replicas when it is Redis and private
 * to the process when it is memory (embedded mode). Inject `CacheStore`; `CacheModule` decides
 * which one it is.
 *
 * Values are stored as JSON, so what comes back is a copy that went through JSON: a `Date`
 * comes back as its ISO string, `undefined` cannot be stored (store `null` for "known absent").
 * `get<T>` trusts the caller about `T`; keys are namespaced by the module's `keyPrefix`.
 */
export abstract class CacheStore {
  private readonly loads = new SingleFlight();

  /** The value, or `undefined` when the key is missing or expired. */
  abstract get<T>(key: string): Promise<T | undefined>;

  /** Stores `value` (JSON) under `key` for `ttlMs` milliseconds, replacing any previous one. */
  abstract set(key: string, value: unknown, ttlMs: number): Promise<void>;

  /**
   * Stores `value` only if `key` holds nothing (atomically, across every client of a shared
   * Redis) and says whether it did: a lease that one replica takes and the others see taken.
   */
  abstract setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean>;

  async delete(key: string): Promise<void> {
    this.loads.invalidate((loading) => loading === key);
    await this.deleteEntry(key);
  }

  /**
   * Deletes every key that starts with `prefix` (taken literally: `*` and `?` are plain
   * characters) and returns how many there were: `deleteByPrefix('products:')` after a
   * catalog change.
   */
  async deleteByPrefix(prefix: string): Promise<number> {
    this.loads.invalidate((loading) => loading.startsWith(prefix));
    return this.deleteEntriesByPrefix(prefix);
  }

  /**
   * The cached value, or the loader's, which is then cached for `ttlMs`. Concurrent misses for
   * one key in this process call the loader once and share its result; a loader that throws
   * caches nothing and every waiting caller gets its error. A `delete` of the key while the
   * loader runs keeps its (possibly stale) result out of the cache. When the cache itself is
   * unreachable the loader's value is returned uncached: the cache speeds reads up, it must
   * not take them down.
   */
  async getOrLoad<T>(key: string, ttlMs: number, loader: () => Promise<T>): Promise<T> {
    assertValidTtl(ttlMs);
    return this.loads.run(key, async (flight) => {
      const cached = await this.unlessUnavailable(() => this.get<T>(key));
      if (cached !== undefined) return cached;
      const loaded = await loader();
      if (loaded !== undefined && !flight.invalidated) {
        await this.unlessUnavailable(() => this.set(key, loaded, ttlMs));
      }
      return loaded;
    });
  }

  protected abstract deleteEntry(key: string): Promise<void>;

  protected abstract deleteEntriesByPrefix(prefix: string): Promise<number>;

  // The Redis connection logs its own outages, once each, so falling back here stays quiet.
  private async unlessUnavailable<R>(operation: () => Promise<R>): Promise<R | undefined> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof CacheError && error.code === 'CACHE.UNAVAILABLE') return undefined;
      throw error;
    }
  }
}
