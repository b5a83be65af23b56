// Changes a store makes to the lookups a report is labelled with: a renamed brand, a new tax for
// a product in an outlet, a removed tag. Deletes only where the endpoint accepts `deleted=true`,
// where Lightspeed's deletions are known to show.
import type { SeededRandom } from "./random.ts";
import { type CatalogRecord, ENTITIES_WITH_DELETED_PARAM, type EntityName } from "./records.ts";
import type { SimulatorStore } from "./store.ts";
import { isoUtc } from "./time.ts";

export const LOOKUP_ENTITIES = [
  "customer_groups",
  "users",
  "taxes",
  "payment_types",
  "outlet_taxes",
  "brands",
  "suppliers",
  "tags",
] as const satisfies readonly EntityName[];
export type LookupEntity = typeof LOOKUP_ENTITIES[number];

/** Per lookup entity, the keys of the records changed: the id, or outlet_id/product_id. */
export type LookupChanges = Partial<Record<LookupEntity, string[]>>;

/** A record's key as the sync stores it: outlet taxes have no id. */
export function lookupKey(record: CatalogRecord): string {
  return typeof record.id === "string" ? record.id : `${record.outlet_id}/${record.product_id}`;
}

type Edit = (record: CatalogRecord, store: SimulatorStore, random: SeededRandom) => void;

const renamed = (field: string): Edit => (record, _store, random) => {
  record[field] = `${String(record[field]).replace(/ \(\d+\)$/, "")} (${random.int(2, 99)})`;
};

// Only fields a sale does not render, so a lookup's change leaves the sales as they were.
const EDITS: Record<LookupEntity, Edit> = {
  customer_groups: renamed("name"),
  users: renamed("display_name"),
  taxes: renamed("display_name"),
  // Sales render a payment's name from its type (render_sale.ts): renaming one would change
  // sales without a new version, which Lightspeed's stored sales do not do.
  payment_types: (record, _store, random) => {
    record.config = { rounding: random.pick(["0.05", "0.10", "none"]) };
  },
  // A product made tax-free in an outlet, or back to the outlet's tax.
  outlet_taxes: (record, store) => {
    const { taxes, outlets, outletTaxIndex } = store.catalog;
    const noTax = taxes[taxes.length - 1].id;
    const outletIndex = outlets.findIndex((o) => o.id === record.outlet_id);
    record.tax_id = record.tax_id === noTax ? taxes[outletTaxIndex[outletIndex]].id : noTax;
  },
  brands: renamed("name"),
  suppliers: renamed("name"),
  tags: renamed("name"),
};

export interface LookupRound {
  store: SimulatorStore;
  random: SeededRandom;
  tick: () => number;
  /** Up to `count` distinct records of `records`. */
  sample: (records: CatalogRecord[], count: number) => CatalogRecord[];
}

/** Edits up to `count` live records of each lookup entity. */
export function editLookups(round: LookupRound, count = 0): LookupChanges {
  const changes: LookupChanges = {};
  if (count === 0) return changes;
  for (const entity of LOOKUP_ENTITIES) {
    changes[entity] = [];
    for (const record of round.sample(liveRecords(round.store, entity), count)) {
      EDITS[entity](record, round.store, round.random);
      touch(round, entity, record);
      changes[entity].push(lookupKey(record));
    }
  }
  return changes;
}

/** Soft-deletes up to `count` records of each lookup entity whose endpoint accepts `deleted`. */
export function deleteLookups(round: LookupRound, count = 0): LookupChanges {
  const changes: LookupChanges = {};
  if (count === 0) return changes;
  for (const entity of LOOKUP_ENTITIES) {
    if (!ENTITIES_WITH_DELETED_PARAM.has(entity)) continue;
    changes[entity] = [];
    for (const record of round.sample(liveRecords(round.store, entity), count)) {
      record.deleted_at = isoUtc(round.tick());
      touch(round, entity, record);
      changes[entity].push(lookupKey(record));
    }
  }
  return changes;
}

function liveRecords(store: SimulatorStore, entity: LookupEntity): CatalogRecord[] {
  return store.plainRecords(entity).filter((r) => r.deleted_at === null);
}

function touch(round: LookupRound, entity: LookupEntity, record: CatalogRecord): void {
  if ("updated_at" in record) record.updated_at = isoUtc(round.tick());
  round.store.touchPlain(entity, record);
}
