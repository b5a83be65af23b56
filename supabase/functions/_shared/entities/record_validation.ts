// Validates a page of Lightspeed records against the registry: the typed fields must cast
// cleanly, everything else is kept as received. Bad records are returned with a reason so the
// caller can file them in sync_rejects; they never sink the rest of the page.
//
// Two views of one rule set (column_kinds.ts): a compiled predicate per entity is the fast
// path every record takes, and the zod schema, built from the same predicates, runs only on a
// record the predicate refused, to say exactly what is wrong with it.
import { z } from "zod";
import {
  integerOf,
  isAbsent,
  kindChecks,
  optionalValueSchema,
  requiredValueSchema,
} from "./column_kinds.ts";
import { type ColumnMap, columnSpec, type EntityDefinition } from "./registry.ts";

export type LightspeedRecord = Record<string, unknown>;

export interface RejectedRecord {
  recordId: string | null;
  version: number | null;
  reason: string;
  raw: unknown;
}

export interface ValidatedPage {
  /** Valid records, one per id (the highest version when a page repeats an id). */
  records: LightspeedRecord[];
  /**
   * The single parameter the page goes to SQL as: a JSON object whose "data" array holds
   * exactly the valid records. When every record of the page is valid this is the API's reply
   * text itself, so nothing is serialized again.
   */
  json: string;
  rejects: RejectedRecord[];
}

const positiveVersion = (value: unknown) =>
  typeof value === "number" && Number.isSafeInteger(value)
    ? value > 0
    : (integerOf(value) ?? 0n) > 0n;

function columnShape(columns: ColumnMap): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [column, raw] of Object.entries(columns)) {
    const spec = columnSpec(raw);
    shape[spec.from ?? column] = optionalValueSchema(spec.kind);
  }
  return shape;
}

function hasDuplicateIds(items: readonly LightspeedRecord[]): boolean {
  return new Set(items.map((i) => String(i.id).toLowerCase())).size !== items.length;
}

/** The zod schema of one record of this entity: what a reject's reason is made from. */
export function recordSchema(entity: EntityDefinition): z.ZodType {
  const shape: Record<string, z.ZodType> = {
    ...columnShape(entity.columns),
    id: requiredValueSchema("uuid"),
    version: z.any().refine(positiveVersion, "expected a positive integer version"),
    deleted_at: optionalValueSchema("timestamptz"),
  };
  for (const child of entity.children ?? []) {
    const childSchema = z.looseObject({
      ...columnShape(child.columns),
      id: requiredValueSchema("uuid"),
    })
      .array()
      .refine((items) => !hasDuplicateIds(items), "duplicate ids in the collection");
    shape[child.field] = childSchema.nullable().optional();
  }
  return z.looseObject(shape);
}

type FieldCheck = [field: string, accepts: (value: unknown) => boolean];

function fieldChecks(columns: ColumnMap): FieldCheck[] {
  return Object.entries(columns).map(([column, raw]) => {
    const spec = columnSpec(raw);
    return [spec.from ?? column, kindChecks[spec.kind].accepts];
  });
}

function fieldsValid(record: LightspeedRecord, checks: readonly FieldCheck[]): boolean {
  for (const [field, accepts] of checks) {
    const value = record[field];
    if (!isAbsent(value) && !accepts(value)) return false;
  }
  return true;
}

const isObject = (v: unknown): v is LightspeedRecord =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The fast path: true exactly when recordSchema(entity) accepts the record. */
export function compileRecordCheck(
  entity: EntityDefinition,
): (record: LightspeedRecord) => boolean {
  const parentChecks = fieldChecks(entity.columns);
  const acceptsUuid = kindChecks.uuid.accepts;
  const acceptsTimestamp = kindChecks.timestamptz.accepts;
  const children = (entity.children ?? []).map((child) => ({
    field: child.field,
    checks: fieldChecks(child.columns),
  }));
  return (record) => {
    if (!acceptsUuid(record.id) || !positiveVersion(record.version)) return false;
    if (!isAbsent(record.deleted_at) && !acceptsTimestamp(record.deleted_at)) return false;
    if (!fieldsValid(record, parentChecks)) return false;
    for (const child of children) {
      const items = record[child.field];
      if (items === null || items === undefined) continue;
      if (!Array.isArray(items)) return false;
      const seen = new Set<string>();
      for (const item of items) {
        if (!isObject(item) || !acceptsUuid(item.id)) return false;
        const key = (item.id as string).toLowerCase();
        if (seen.has(key)) return false;
        seen.add(key);
        if (!fieldsValid(item, child.checks)) return false;
      }
    }
    return true;
  };
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

function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length === 0
      ? "record"
      : issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")
        .replace(/^\./, "");
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : "";
  return `Invalid record: ${parts.join("; ")}${more}`;
}

/** The id and version a reject is filed under, as far as the record has them. */
export function identifyRecord(raw: unknown): { recordId: string | null; version: number | null } {
  const record = isObject(raw) ? raw : {};
  const id = typeof record.id === "string" && record.id !== "" ? record.id.slice(0, 200) : null;
  const v = Number(record.version);
  return { recordId: id, version: Number.isSafeInteger(v) && v > 0 ? v : null };
}

// PostgreSQL's jsonb cannot hold NUL characters or unpaired surrogates. JSON text can carry
// them only as escapes, so looking for the escapes finds every one.
const unstorableText =
  /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;
const unstorableTextGlobal = new RegExp(unstorableText.source, "gi");

/** Finds text PostgreSQL cannot store in JSON text. */
export function hasUnstorableText(json: string): boolean {
  // Most pages hold no \u escape at all; includes() is far cheaper than the pattern.
  return json.includes("\\u") && unstorableText.test(json);
}

const unstorableReason =
  "Invalid record: contains a NUL character or broken Unicode that PostgreSQL cannot store";

/** Keeps the highest version of each id. */
function dedupe(records: LightspeedRecord[]): LightspeedRecord[] {
  const byId = new Map<string, LightspeedRecord>();
  for (const record of records) {
    const key = (record.id as string).toLowerCase();
    const previous = byId.get(key);
    if (!previous || integerOf(previous.version)! < integerOf(record.version)!) {
      byId.set(key, record);
    }
  }
  return [...byId.values()];
}

/**
 * Validates one page. `replyText`, the API's reply the records were parsed from, lets a page
 * with nothing to drop go to SQL as received.
 */
export function validatePage(
  entity: EntityDefinition,
  rawRecords: readonly unknown[],
  replyText?: string,
): ValidatedPage {
  const { check, schema } = compiledFor(entity);
  let records: LightspeedRecord[] = [];
  const rejects: RejectedRecord[] = [];
  for (const raw of rawRecords) {
    if (!isObject(raw)) {
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
    else rejects.push({ ...identifyRecord(raw), reason: describeIssues(result.error), raw });
  }
  const duplicates = hasDuplicateIds(records);
  if (duplicates) records = dedupe(records);
  if (
    replyText !== undefined && rejects.length === 0 && !duplicates &&
    !hasUnstorableText(replyText)
  ) {
    return { records, json: replyText, rejects };
  }
  let json = JSON.stringify({ data: records });
  // Checked on the whole page first: per-record work only when something is wrong.
  if (hasUnstorableText(json)) {
    const storable: LightspeedRecord[] = [];
    for (const record of records) {
      const text = JSON.stringify(record);
      if (!hasUnstorableText(text)) {
        storable.push(record);
        continue;
      }
      // Keep what can be stored so the operator can still see which record it was.
      const raw = JSON.parse(text.replace(unstorableTextGlobal, "\\ufffd"));
      rejects.push({ ...identifyRecord(record), reason: unstorableReason, raw });
    }
    records = storable;
    json = JSON.stringify({ data: records });
  }
  return { records, json, rejects };
}
