/**
 * A cache of at most `max` entries that forgets the least recently used first, for Yoga's parsed
 * documents. Yoga's default (lru-cache with a time to live) reads the clock on every lookup and,
 * to spare itself a clock read per lookup, arms a timer once per millisecond when it is read:
 * under load that was a timer per request (docs/benchmarks.md). A parsed document never goes
 * stale (the schema is fixed for the life of the process), so a bound on the count is enough.
 */
export class BoundedCache<T> {
  readonly #max: number;
  // A Map keeps insertion order: the first key is the least recently used.
  readonly #entries = new Map<string, T>();

  constructor(max: number) {
    this.#max = max;
  }

  get(key: string): T | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
