// Which of the store's records the sync must reject, and why: the simulator says which records
// it corrupted and how (GET /__control/injected); every other record must be stored, unless it
// holds text PostgreSQL cannot keep. Nothing here asks the product's validator.
import type { EntityName } from "../../supabase/functions/_shared/entities/registry.ts";
import { holdsUnstorableText, recordIdentity, storableCopy, tableShapes } from "./expected_rows.ts";

/** A record the simulator appended on purpose (simulator/record_injection.ts). */
export interface InjectedRecord {
  entity: string;
  version: number;
  id: string | null;
  kind: string;
}

export interface ExpectedReject {
  recordId: string | null;
  /** The start of the reason sync_rejects must give. */
  reasonPrefix: string;
  /** sync_rejects.raw: the record as served, or its storable copy. */
  raw: unknown;
}

export interface SourceSplit {
  /** Records the tables must hold, as the store served them. */
  stored: Record<string, unknown>[];
  rejected: ExpectedReject[];
}

// The field each entity's "wrong_number_type" record breaks (simulator/record_injection.ts).
const brokenNumberField: Partial<Record<string, string>> = {
  sales: "total_price",
  inventory: "inventory_level",
  customers: "year_to_date",
  products: "price_including_tax",
};

export const unstorableReasonPrefix = "Invalid record: contains a NUL character";

/** The reason a corrupted record must be rejected with, or null when it must be stored. */
export function reasonPrefixFor(kind: string, entity: string): string | null {
  switch (kind) {
    // The simulator breaks the id, or where records have none the last key field (an outlet
    // tax's product_id).
    case "missing_id":
    case "id_not_a_uuid":
      return `Invalid record: ${tableShapes[entity as EntityName]?.key?.at(-1) ?? "id"}:`;
    case "version_not_a_number":
      return "Invalid record: version:";
    case "wrong_number_type":
      return `Invalid record: ${brokenNumberField[entity] ?? "version"}:`;
    case "line_item_without_id":
      return "Invalid record: line_items[0].id:";
    case "nul_character":
      return unstorableReasonPrefix;
    case "unexpected_fields":
    case "hostile":
      return null;
    default:
      throw new Error(`The simulator injected a kind this test does not know: ${kind}`);
  }
}

export async function injectedRecords(controlUrl: string): Promise<InjectedRecord[]> {
  const reply = await fetch(`${controlUrl}/injected`);
  if (!reply.ok) throw new Error(`Listing injected records failed: ${reply.status}`);
  return (await reply.json()).injected;
}

/** Sorts an entity's source records into those to store and those to reject. */
export function splitSource(
  entity: EntityName,
  source: readonly unknown[],
  injected: readonly InjectedRecord[],
): SourceSplit {
  const kindById = new Map<string, string>();
  for (const record of injected) {
    if (record.entity === entity && record.id !== null) kindById.set(record.id, record.kind);
  }
  const split: SourceSplit = { stored: [], rejected: [] };
  for (const item of source) {
    const record = item as Record<string, unknown>;
    // Its id, or for outlet taxes (no id) its key; the simulator corrupts only records with ids.
    const id = recordIdentity(tableShapes[entity], record);
    const kind = id === null ? "missing_id" : kindById.get(id);
    const unstorable = holdsUnstorableText(record);
    const byKind = kind === undefined ? null : reasonPrefixFor(kind, entity);
    const reasonPrefix = byKind ?? (unstorable ? unstorableReasonPrefix : null);
    if (reasonPrefix === null) split.stored.push(record);
    else {
      split.rejected.push({
        recordId: id,
        reasonPrefix,
        raw: unstorable ? storableCopy(record) : record,
      });
    }
  }
  return split;
}
