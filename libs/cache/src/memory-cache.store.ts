import { assertValidTtl, toJson } from './cache-arguments.js';
import { CacheStore } from './cache.store.js';
import { storeNamespace } from './store-keys.js';

export interface MemoryCacheStoreOptions {
  readonly keyPrefix: string;
  /** Entries kept before the least recently used is dropped. Default 10 000. */
  readonly maxEntries?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
  /**
   * Keep values parsed and deeply frozen instead of as JSON text: a hit is then a map lookup,
   * not a `JSON.parse` (6 % of the catalog's CPU on its cached product read), and every hit
   * returns the same object, which no caller can change. For a level whose callers only read
   * (the in-process level of a TwoLevelCache). Default false: a copy on every hit, as Redis.
   */
  readonly frozenValues?: boolean;
}

type Entry = (
  | { readonly json: string; readonly frozen?: never }
  | { readonly json?: never; readonly frozen: unknown }
) & { readonly expiresAt: number };

/**
 * Embedded mode's cache: a bounded map in this process, least recently used out first. Values
 * are kept as JSON text so they behave exactly as with Redis (copies, `Date` as a string).
 * Expired entries are dropped when touched, so no timer keeps the process alive.
 */
export class MemoryCacheStore extends CacheStore {
  private readonly entries = new Map<string, Entry>();
  private readonly namespace: string;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly frozenValues: boolean;

  constructor(options: MemoryCacheStoreOptions) {
    super();
    this.namespace = storeNamespace(options.keyPrefix, 'cache');
    this.maxEntries = options.maxEntries ?? 10_000;
    this.frozenValues = options.frozenValues ?? false;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(
        `maxEntries must be a whole number of at least 1, got ${this.maxEntries}.`,
      );
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    const fullKey = this.namespace + key;
    const entry = this.entries.get(fullKey);
    if (!entry) return undefined;
    this.entries.delete(fullKey);
    if (entry.expiresAt <= this.now()) return undefined;
    // Re-inserting moves the entry to the end of the map's order: most recently used.
    this.entries.set(fullKey, entry);
    if (entry.json === undefined) {
      // oxlint-disable-next-line typescript/no-unsafe-type-assertion -- parsed from what `set` got as a T
      return entry.frozen as T;
    }
    const value: T = JSON.parse(entry.json);
    return value;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertValidTtl(ttlMs);
    const fullKey = this.namespace + key;
    const json = toJson(key, value);
    const expiresAt = this.now() + ttlMs;
    this.entries.delete(fullKey);
    this.entries.set(
      fullKey,
      this.frozenValues ? { frozen: deepFreeze(JSON.parse(json)), expiresAt } : { json, expiresAt },
    );
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  async setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    assertValidTtl(ttlMs);
    const existing = this.entries.get(this.namespace + key);
    if (existing && existing.expiresAt > this.now()) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  protected async deleteEntry(key: string): Promise<void> {
    this.entries.delete(this.namespace + key);
  }

  protected async deleteEntriesByPrefix(prefix: string): Promise<number> {
    const now = this.now();
    let deleted = 0;
    for (const [fullKey, entry] of this.entries) {
      if (!fullKey.startsWith(this.namespace + prefix)) continue;
      this.entries.delete(fullKey);
      if (entry.expiresAt > now) deleted += 1;
    }
    return deleted;
  }
}

function deepFreeze(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  for (const field of Object.values(value)) deepFreeze(field);
  return Object.freeze(value);
}
