// Validates a page of Lightspeed records against the registry: the typed fields must cast
// cleanly, everything else is kept as received. Bad records are returned with a reason so the
// caller can file them in sync_rejects; they never sink the rest of the page.
//
// Two views of one rule set (column_kinds.ts): the compiled check (record_check.ts) is the
// fast path every record takes, and the zod schema (record_schema.ts), built from the same
// predicates, runs only on a record the check refused, to say exactly what is wrong with it.
import type { z } from "zod";
import { integerOf } from "./column_kinds.ts";
import {
  compileRecordCheck,
  hasDuplicateKeys,
  isRecordObject,
  keyOf,
  type LightspeedRecord,
} from "./record_check.ts";
import { describeIssues, recordSchema } from "./record_schema.ts";
import { type EntityDefinition, type KeyColumn, keyColumns, recordKeyText } from "./registry.ts";

export interface RejectedRecord {
  recordId: string | null;
  version: number | null;
  reason: string;
  raw: unknown;
}

/** What validation decided about a page's records. */
export interface PageValidation {
  /** Valid records, one per key (the highest version when a page repeats a key). */
  records: LightspeedRecord[];
  rejects: RejectedRecord[];
  /** The page repeated a key, so `records` holds fewer valid records than it had. */
  duplicatesDropped: boolean;
}

interface CompiledEntity {
  check: (record: LightspeedRecord) => boolean;
  schema: z.ZodType;
}

const compiled = new Map<string, CompiledEntity>();

function compiledFor(entity: EntityDefinition): CompiledEntity {
  let entry = compiled.get(entity.name);
  if (!entry) {
    entry = { check: compileRecordCheck(entity), schema: recordSchema(entity) };
    compiled.set(entity.name, entry);
  }
  return entry;
}

/**
 * The key and version a reject is filed under, as far as the record has them: its id, or for an
 * entity keyed otherwise (registry `key`) its key fields joined by "/", as the upsert returns them.
 */
export function identifyRecord(
  raw: unknown,
  entity: EntityDefinition,
): { recordId: string | null; version: number | null } {
  const record = isRecordObject(raw) ? raw : {};
  const id = recordKeyText(keyColumns(entity), record);
  const v = Number(record.version);
  return {
    recordId: id === null ? null : id.slice(0, 200),
    version: Number.isSafeInteger(v) && v > 0 ? v : null,
  };
}

/** Keeps the highest version of each key. */
function dedupe(keyColumnsOf: readonly KeyColumn[], records: LightspeedRecord[]) {
  const byId = new Map<string, LightspeedRecord>();
  for (const record of records) {
    const key = keyOf(keyColumnsOf, record);
    const previous = byId.get(key);
    if (!previous || integerOf(previous.version)! < integerOf(record.version)!) {
      byId.set(key, record);
    }
  }
  return [...byId.values()];
}

/** Sorts one page's records into valid ones and rejects with their reasons. */
export function validatePage(
  entity: EntityDefinition,
  rawRecords: readonly unknown[],
): PageValidation {
  const { check, schema } = compiledFor(entity);
  const records: LightspeedRecord[] = [];
  const rejects: RejectedRecord[] = [];
  for (const raw of rawRecords) {
    if (!isRecordObject(raw)) {
      rejects.push({
        recordId: null,
        version: null,
        reason: "Invalid record: not a JSON object",
        raw,
      });
      continue;
    }
    if (check(raw)) {
      records.push(raw);
      continue;
    }
    const result = schema.safeParse(raw);
    if (result.success) records.push(raw);
    else {
      rejects.push({ ...identifyRecord(raw, entity), reason: describeIssues(result.error), raw });
    }
  }
  const key = keyColumns(entity);
  const duplicatesDropped = hasDuplicateKeys(key, records);
  return {
    records: duplicatesDropped ? dedupe(key, records) : records,
    rejects,
    duplicatesDropped,
  };
}
