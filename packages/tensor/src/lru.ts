/** A bounded map that forgets its least recently used entry first (the caches of compiled programs). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  /** The key used last: a hit on it skips the reordering (the common case of one signature). */
  private newest: K | undefined;

  /** `limit`: how many entries to keep (a positive integer, or Infinity). */
  constructor(readonly limit: number) {}

  /** Number of entries held. */
  get size(): number {
    return this.map.size;
  }

  /** The value for `key` (and marks it as the most recently used), or undefined. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined && key !== this.newest) {
      this.map.delete(key);
      this.map.set(key, value);
      this.newest = key;
    }
    return value;
  }

  /** Stores `value` as the most recently used entry, dropping the least recently used past the limit. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    this.newest = key;
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
  }

  /** Forgets every entry. */
  clear(): void {
    this.map.clear();
    this.newest = undefined;
  }
}
