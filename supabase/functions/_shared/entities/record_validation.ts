// Validates a page of Lightspeed records against the registry: the typed fields must cast
// cleanly, everything else is kept as received. Bad records are returned with a reason so the
// caller can file them in sync_rejects; they never sink the rest of the page.
import { z } from "zod";
import { integerOf, optionalValueSchema, requiredValueSchema } from "./column_kinds.ts";
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
  /** The valid records as one JSON array: the single parameter the page goes to SQL as. */
  json: string;
  rejects: RejectedRecord[];
}

const positiveVersion = requiredValueSchema("bigint").refine(
  (v) => (integerOf(v) ?? 0n) > 0n,
  "expected a positive version",
);

function columnShape(columns: ColumnMap): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [column, raw] of Object.entries(columns)) {
    const spec = columnSpec(raw);
    shape[spec.from ?? column] = optionalValueSchema(spec.kind);
  }
  return shape;
}

const schemaCache = new Map<string, z.ZodType>();

/** The zod schema of one record of this entity (built once per entity). */
export function recordSchema(entity: EntityDefinition): z.ZodType {
  let schema = schemaCache.get(entity.name);
  if (schema) return schema;
  const shape: Record<string, z.ZodType> = {
    ...columnShape(entity.columns),
    id: requiredValueSchema("uuid"),
    version: positiveVersion,
    deleted_at: optionalValueSchema("timestamptz"),
  };
  for (const child of entity.children ?? []) {
    const childSchema = z.looseObject({
      ...columnShape(child.columns),
      id: requiredValueSchema("uuid"),
    })
      .array()
      .refine(
        (items) => new Set(items.map((i) => String(i.id).toLowerCase())).size === items.length,
        "duplicate ids in the collection",
      );
    shape[child.field] = childSchema.nullable().optional();
  }
  schema = z.looseObject(shape);
  schemaCache.set(entity.name, schema);
  return schema;
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

function identify(raw: unknown): { recordId: string | null; version: number | null } {
  const record = (typeof raw === "object" && raw !== null ? raw : {}) as LightspeedRecord;
  const id = typeof record.id === "string" && record.id !== "" ? record.id.slice(0, 200) : null;
  const v = Number(record.version);
  return { recordId: id, version: Number.isSafeInteger(v) && v > 0 ? v : null };
}

// PostgreSQL's jsonb cannot hold NUL characters or unpaired surrogates.
const unstorableText =
  /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

/** Finds text PostgreSQL cannot store in a JSON string produced by JSON.stringify. */
export function hasUnstorableText(json: string): boolean {
  return unstorableText.test(json);
}

export function validatePage(
  entity: EntityDefinition,
  rawRecords: readonly unknown[],
): ValidatedPage {
  const schema = recordSchema(entity);
  const byId = new Map<string, LightspeedRecord>();
  const rejects: RejectedRecord[] = [];
  for (const raw of rawRecords) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      rejects.push({
        recordId: null,
        version: null,
        reason: "Invalid record: not a JSON object",
        raw,
      });
      continue;
    }
    const result = schema.safeParse(raw);
    if (!result.success) {
      rejects.push({ ...identify(raw), reason: describeIssues(result.error), raw });
      continue;
    }
    const record = raw as LightspeedRecord;
    const key = (record.id as string).toLowerCase();
    const previous = byId.get(key);
    if (
      !previous ||
      BigInt(previous.version as string | number) < BigInt(record.version as string | number)
    ) {
      byId.set(key, record);
    }
  }
  let records = [...byId.values()];
  let json = JSON.stringify(records);
  // Checked on the whole page first: per-record work only when something is wrong.
  if (hasUnstorableText(json)) {
    const storable: LightspeedRecord[] = [];
    for (const record of records) {
      const text = JSON.stringify(record);
      if (!hasUnstorableText(text)) {
        storable.push(record);
        continue;
      }
      rejects.push({
        ...identify(record),
        reason:
          "Invalid record: contains a NUL character or broken Unicode that PostgreSQL cannot store",
        // Keep what can be stored so the operator can still see which record it was.
        raw: JSON.parse(text.replace(unstorableTextGlobal, "\\ufffd")),
      });
    }
    records = storable;
    json = JSON.stringify(records);
  }
  return { records, json, rejects };
}

const unstorableTextGlobal = new RegExp(unstorableText.source, "gi");
