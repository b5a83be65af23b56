/** A record stored exactly as it will be served, e.g. a deliberately malformed one. */
export class RawRecord {
  constructor(readonly body: Record<string, unknown>) {}
}

export interface FeedEntry<T> {
  version: number;
  item: T | RawRecord;
}

export interface FeedQuery {
  /** Exclusive lower bound. */
  after: number;
  /** Exclusive upper bound, or undefined for none. */
  before?: number;
  limit: number;
  /** Returns true for entries the page must leave out (e.g. soft-deleted rows). */
  skip?: (item: unknown) => boolean;
}

/**
 * Records of one entity in ascending version order. An edited record moves to the end,
 * as in Lightspeed, by leaving a hole at its old slot; holes are compacted away lazily.
 */
export class VersionFeed<T> {
  #versions: number[] = [];
  #items: (T | RawRecord | undefined)[] = [];
  #holes = 0;

  get size(): number {
    return this.#items.length - this.#holes;
  }

  get maxVersion(): number | null {
    for (let i = this.#items.length - 1; i >= 0; i--) {
      if (this.#items[i] !== undefined) return this.#versions[i];
    }
    return null;
  }

  append(version: number, item: T | RawRecord): void {
    const last = this.#versions[this.#versions.length - 1];
    if (last !== undefined && version <= last) {
      throw new Error(`Version ${version} is not above the feed's last version ${last}`);
    }
    this.#versions.push(version);
    this.#items.push(item);
  }

  /** Moves a record from its old version slot to a new, higher one. */
  move(oldVersion: number, newVersion: number, item: T | RawRecord): void {
    this.remove(oldVersion);
    this.append(newVersion, item);
  }

  remove(version: number): void {
    const index = this.#indexOf(version);
    if (index < 0 || this.#items[index] === undefined) {
      throw new Error(`No record at version ${version}`);
    }
    this.#items[index] = undefined;
    this.#holes++;
    if (this.#holes > 1024 && this.#holes * 2 > this.#items.length) this.#compact();
  }

  page(query: FeedQuery): FeedEntry<T>[] {
    const out: FeedEntry<T>[] = [];
    if (query.limit <= 0) return out;
    for (let i = this.#firstIndexAbove(query.after); i < this.#items.length; i++) {
      const version = this.#versions[i];
      if (query.before !== undefined && version >= query.before) break;
      const item = this.#items[i];
      if (item === undefined) continue;
      if (query.skip && !(item instanceof RawRecord) && query.skip(item)) continue;
      out.push({ version, item });
      if (out.length >= query.limit) break;
    }
    return out;
  }

  *entries(): Generator<FeedEntry<T>> {
    for (let i = 0; i < this.#items.length; i++) {
      const item = this.#items[i];
      if (item !== undefined) yield { version: this.#versions[i], item };
    }
  }

  #indexOf(version: number): number {
    const index = this.#firstIndexAbove(version - 1);
    return this.#versions[index] === version ? index : -1;
  }

  /** Binary search for the first slot whose version is greater than `after`. */
  #firstIndexAbove(after: number): number {
    let low = 0;
    let high = this.#versions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#versions[mid] <= after) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #compact(): void {
    const versions: number[] = [];
    const items: (T | RawRecord)[] = [];
    for (let i = 0; i < this.#items.length; i++) {
      const item = this.#items[i];
      if (item === undefined) continue;
      versions.push(this.#versions[i]);
      items.push(item);
    }
    this.#versions = versions;
    this.#items = items;
    this.#holes = 0;
  }
}
