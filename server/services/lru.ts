/**
 * A small least-recently-used map: the per-process caches hold at most `max` entries, so a
 * client asking for thousands of made-up policy names cannot grow memory without bound.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** The value without marking it as recently used. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Deletes every entry whose key matches. */
  deleteWhere(match: (key: K, value: V) => boolean): void {
    for (const [k, v] of this.map) if (match(k, v)) this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }
}
