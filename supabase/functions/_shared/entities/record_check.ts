// The fast path of validation: one compiled predicate per entity, which every record takes,
// and the record-level rules it shares with the zod schema (record_schema.ts).
import { integerOf, isAbsent, kindChecks } from "./column_kinds.ts";
import {
  type ColumnMap,
  columnSpec,
  type EntityDefinition,
  type KeyColumn,
  keyColumns,
} from "./registry.ts";

export type LightspeedRecord = Record<string, unknown>;

export const isRecordObject = (v: unknown): v is LightspeedRecord =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const isPositiveVersion = (value: unknown) =>
  typeof value === "number" && Number.isSafeInteger(value)
    ? value > 0
    : (integerOf(value) ?? 0n) > 0n;

/** A record's key (its id, or the entry's key fields), compared without case: PostgreSQL's uuid
 * type ignores it. */
export function keyOf(key: readonly KeyColumn[], record: LightspeedRecord): string {
  return key.map(({ field }) => String(record[field]).toLowerCase()).join("/");
}

export function hasDuplicateKeys(
  key: readonly KeyColumn[],
  items: readonly LightspeedRecord[],
): boolean {
  return new Set(items.map((i) => keyOf(key, i))).size !== items.length;
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

function keyCheck({ field, kind }: KeyColumn): FieldCheck {
  return [field, kindChecks[kind].accepts];
}

/** The fast path: true exactly when recordSchema(entity) accepts the record. */
export function compileRecordCheck(
  entity: EntityDefinition,
): (record: LightspeedRecord) => boolean {
  const parentChecks = fieldChecks(entity.columns);
  // Key fields are required: present and valid, where other columns may be absent.
  const keyChecks = keyColumns(entity).map(keyCheck);
  const acceptsTimestamp = kindChecks.timestamptz.accepts;
  const children = (entity.children ?? []).map((child) => ({
    field: child.field,
    key: keyColumns(child),
    keyChecks: keyColumns(child).map(keyCheck),
    checks: fieldChecks(child.columns),
  }));
  return (record) => {
    for (const [field, accepts] of keyChecks) if (!accepts(record[field])) return false;
    if (!isPositiveVersion(record.version)) return false;
    if (!isAbsent(record.deleted_at) && !acceptsTimestamp(record.deleted_at)) return false;
    if (!fieldsValid(record, parentChecks)) return false;
    for (const child of children) {
      const items = record[child.field];
      if (items === null || items === undefined) continue;
      if (!Array.isArray(items)) return false;
      const seen = new Set<string>();
      for (const item of items) {
        if (!isRecordObject(item)) return false;
        for (const [field, accepts] of child.keyChecks) if (!accepts(item[field])) return false;
        const key = keyOf(child.key, item);
        if (seen.has(key)) return false;
        seen.add(key);
        if (!fieldsValid(item, child.checks)) return false;
      }
    }
    return true;
  };
}
