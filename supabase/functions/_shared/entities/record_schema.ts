// The zod view of the validation rules: built from the same predicates as the fast path
// (record_check.ts), it runs only on a record the fast path refused, to say exactly what is
// wrong with it.
import { z } from "zod";
import { type ColumnKind, isAbsent, kindChecks } from "./column_kinds.ts";
import { hasDuplicateKeys, isPositiveVersion } from "./record_check.ts";
import {
  type ColumnMap,
  columnSpec,
  type EntityDefinition,
  type KeyColumn,
  keyColumns,
} from "./registry.ts";

/** The zod schema of an optional column of this kind (absent, null, "" or a valid value). */
export function optionalValueSchema(kind: ColumnKind): z.ZodType {
  const { accepts, message } = kindChecks[kind];
  // .optional() lets zod 4 accept a missing key (a refinement alone makes the key required).
  return z.any().refine((v) => isAbsent(v) || accepts(v), { message }).optional();
}

/** The zod schema of a required column of this kind (present, not null, not empty). */
export function requiredValueSchema(kind: ColumnKind): z.ZodType {
  const { accepts, message } = kindChecks[kind];
  // z.any (not z.unknown): a missing key reaches the refinement and gets its message.
  return z.any().refine(accepts, { message });
}

function columnShape(columns: ColumnMap): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [column, raw] of Object.entries(columns)) {
    const spec = columnSpec(raw);
    shape[spec.from ?? column] = optionalValueSchema(spec.kind);
  }
  return shape;
}

/** Key fields are required: present and valid, where other columns may be absent. */
function keyShape(key: readonly KeyColumn[]): Record<string, z.ZodType> {
  return Object.fromEntries(key.map(({ field, kind }) => [field, requiredValueSchema(kind)]));
}

/** "ids" for an id key, else the key fields joined, as a duplicate's reason names them. */
function keyNames(key: readonly KeyColumn[]): string {
  return key.length === 1 && key[0].field === "id" ? "ids" : key.map((k) => k.field).join("/");
}

/** The zod schema of one record of this entity: what a reject's reason is made from. */
export function recordSchema(entity: EntityDefinition): z.ZodType {
  const shape: Record<string, z.ZodType> = {
    ...columnShape(entity.columns),
    ...keyShape(keyColumns(entity)),
  };
  Object.assign(shape, {
    version: z.any().refine(isPositiveVersion, "expected a positive integer version"),
    deleted_at: optionalValueSchema("timestamptz"),
  });
  for (const child of entity.children ?? []) {
    const key = keyColumns(child);
    const childSchema = z.looseObject({ ...columnShape(child.columns), ...keyShape(key) })
      .array()
      .refine(
        (items) => !hasDuplicateKeys(key, items),
        `duplicate ${keyNames(key)} in the collection`,
      );
    shape[child.field] = childSchema.nullable().optional();
  }
  return z.looseObject(shape);
}

/** A reject's reason: the first few issues, each with the path of the field it concerns. */
export function describeIssues(error: z.ZodError): string {
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
