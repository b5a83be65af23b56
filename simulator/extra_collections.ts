// Collections a test adds beside the store's own entities, served at /api/2.0/<name> with the
// same version paging, so a test can sync an entity the simulator was never written for (the
// throw-away entity of adding_an_entity_test.ts). Their versions come from the store's one
// global clock, as every Lightspeed resource's do; a control reset drops them with the store.
import { VersionFeed } from "./feed.ts";
import { isEntityName, type PlainRecord } from "./records.ts";
import type { Page, PageQuery } from "./store.ts";
import { isoUtc } from "./time.ts";

/** A record as a test hands it in: an id and any fields; version and deleted_at are set here. */
export type CollectionRecord = { id: string } & Record<string, unknown>;

export interface ExtraCollection {
  /** Whether `deleted=true` is needed to list soft-deleted rows (as on outlets). */
  supportsDeleted: boolean;
  feed: VersionFeed<PlainRecord>;
  byId: Map<string, PlainRecord>;
}

export interface CollectionChanges {
  /** Added or changed records: each gets a new version and moves to the end of the feed. */
  records?: CollectionRecord[];
  /** Ids to soft-delete: `deleted_at` set to the store's now, a new version. */
  deletes?: string[];
}

export class ExtraCollections {
  readonly #collections = new Map<string, ExtraCollection>();

  constructor(
    private readonly nextVersion: () => number,
    private readonly nowMs: () => number,
  ) {}

  get(name: string): ExtraCollection | undefined {
    return this.#collections.get(name);
  }

  names(): string[] {
    return [...this.#collections.keys()];
  }

  /** Adds (or replaces) a collection holding `records`, in the order given. */
  define(name: string, supportsDeleted: boolean, records: CollectionRecord[]): void {
    if (!/^[a-z][a-z0-9_]*$/.test(name) || isEntityName(name)) {
      throw new Error(`${JSON.stringify(name)} cannot name an extra collection`);
    }
    this.#collections.set(name, { supportsDeleted, feed: new VersionFeed(), byId: new Map() });
    this.change(name, { records });
  }

  /** Applies changes; returns the versions given, in order. */
  change(name: string, changes: CollectionChanges): number[] {
    const collection = this.#collections.get(name);
    if (!collection) throw new Error(`No extra collection named ${name}`);
    const versions: number[] = [];
    for (const record of changes.records ?? []) {
      const old = collection.byId.get(record.id);
      const next = { deleted_at: null, ...record, version: this.nextVersion() } as PlainRecord;
      if (old) collection.feed.remove(old.version);
      collection.feed.append(next.version, next);
      collection.byId.set(next.id, next);
      versions.push(next.version);
    }
    for (const id of changes.deletes ?? []) {
      const old = collection.byId.get(id);
      if (!old) throw new Error(`No record ${id} in ${name}`);
      versions.push(
        ...this.change(name, { records: [{ ...old, deleted_at: isoUtc(this.nowMs()) }] }),
      );
    }
    return versions;
  }

  page(name: string, query: PageQuery): Page {
    const collection = this.#collections.get(name)!;
    const hideDeleted = collection.supportsDeleted && !query.includeDeleted;
    const entries = collection.feed.page({
      after: query.after,
      before: query.before,
      limit: query.pageSize,
      skip: hideDeleted ? (item) => (item as PlainRecord).deleted_at !== null : undefined,
    });
    return {
      data: entries.map((entry) => entry.item),
      versions: entries.map((entry) => entry.version),
    };
  }
}
