// The oracle of the end-to-end, chaos and demo checks: every table must hold exactly the
// store's current records, value for value (typed columns, deleted_at, version and raw, sale
// line items and payments too), and sync_rejects exactly the records the simulator corrupted.
// What to expect is worked out in the test code (expected_rows.ts, expected_rejects.ts), never
// by the product's validator or SQL. One query per table; rows are compared in maps.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import type { EntityName } from "../../supabase/functions/_shared/entities/registry.ts";
import {
  type ExpectedReject,
  type InjectedRecord,
  injectedRecords,
  splitSource,
} from "./expected_rejects.ts";
import {
  brief,
  type CellValue,
  type ColumnTypes,
  expectedCell,
  firstDifference,
  recordIdentity,
  sortedJson,
  type TableShape,
  tableShapes,
  type ValueType,
} from "./expected_rows.ts";

export interface Comparison {
  rowsCompared: number;
  /** Readable differences, e.g. `lightspeed_sales 1f0…: total_price expected "12.5", actual "12.50"`. */
  mismatches: string[];
}

/** Differences shown per table; the rest are counted. */
const SHOWN_PER_TABLE = 25;

/** Collects one table's differences, keeping the first few. */
class TableReport {
  count = 0;
  constructor(readonly table: string, readonly lines: string[]) {}
  add(key: string, what: string): void {
    this.count++;
    const label = key.length > 90 ? `${key.slice(0, 87)}...` : key;
    if (this.count <= SHOWN_PER_TABLE) this.lines.push(`${this.table} ${label}: ${what}`);
  }
  close(): void {
    const hidden = this.count - SHOWN_PER_TABLE;
    if (hidden > 0) this.lines.push(`${this.table}: ${hidden} more differences not shown`);
  }
}

type Row = Record<string, CellValue> & { key: string; raw: string };
type SourceRecord = Record<string, unknown>;

async function sourceRecords(
  controlUrl: string,
  entity: string,
  shape: TableShape,
): Promise<unknown[]> {
  const fetched = shape.children.filter((c) => c.subResource).map((c) => `&with=${c.field}`);
  const reply = await fetch(`${controlUrl}/dump?entity=${entity}${fetched.join("")}`);
  if (!reply.ok) throw new Error(`Dump of ${entity} failed: ${reply.status}`);
  return (await reply.json()).data;
}

export async function compareWithSource(
  sql: Sql,
  controlUrl: string,
  entities: readonly EntityName[],
): Promise<Comparison> {
  const comparison: Comparison = { rowsCompared: 0, mismatches: [] };
  const injected = await injectedRecords(controlUrl);
  for (const entity of entities) {
    const source = await sourceRecords(controlUrl, entity, tableShapes[entity]);
    await compareEntity(sql, entity, source, injected, comparison);
  }
  return comparison;
}

async function compareEntity(
  sql: Sql,
  entity: EntityName,
  source: unknown[],
  injected: readonly InjectedRecord[],
  comparison: Comparison,
): Promise<void> {
  const shape = tableShapes[entity];
  const { stored, rejected } = splitSource(entity, source, injected);
  const parents = new Map<string, SourceRecord>();
  for (const record of stored) parents.set(recordIdentity(shape, record)!.toLowerCase(), record);
  const fetched = shape.children.filter((c) => c.subResource).map((c) => c.field);
  // A sub-resource's records are not part of the parent as the API serves it.
  const served = new Map([...parents].map(([id, record]) => [id, without(record, fetched)]));
  comparison.rowsCompared += await compareTable(sql, shape.table, shape.columns, served, {
    parent: true,
    keys: shape.key ?? ["id"],
  }, comparison.mismatches);
  for (const child of shape.children) {
    const children = new Map<string, SourceRecord>();
    for (const [parentId, parent] of parents) {
      const items = Array.isArray(parent[child.field]) ? parent[child.field] as SourceRecord[] : [];
      for (const item of items) {
        children.set(`${parentId}/${String(item[child.key]).toLowerCase()}`, item);
      }
    }
    comparison.rowsCompared += await compareTable(sql, child.table, child.columns, children, {
      parent: false,
      keys: [child.parentKey, child.key],
    }, comparison.mismatches);
  }
  await compareRejects(sql, entity, rejected, comparison.mismatches);
}

/**
 * A parent table or a child table, and the columns its rows are keyed by: a parent's id or key
 * columns (as recordIdentity), a child's parent column and its own key.
 */
interface TableRole {
  parent: boolean;
  keys: readonly string[];
}

/** The select-list entry that reads a column as expectedCell states its value. */
function selected(column: string, type: ValueType): string {
  const name = `"${column}"`;
  if (type === "instant") return `(extract(epoch from ${name}) * 1000)::float8 as ${name}`;
  if (type === "flag") return name;
  return `${name}::text as ${name}`;
}

/** Compares a table with the records it must hold (by key); returns how many were compared. */
async function compareTable(
  sql: Sql,
  table: string,
  columns: ColumnTypes,
  expected: Map<string, SourceRecord>,
  role: TableRole,
  mismatches: string[],
): Promise<number> {
  const { parent, keys } = role;
  const rowKey = keys.map((k) => `"${k}"::text`).join(" || '/' || ");
  const report = new TableReport(table, mismatches);
  await checkColumnsKnown(sql, table, columns, role, report);
  const typed: [string, ValueType][] = parent
    ? [...Object.entries(columns), ["version", "whole"], ["deleted_at", "instant"]]
    : Object.entries(columns);
  const rows = await sql.unsafe<Row[]>(
    `select ${rowKey} as key, raw::text as raw, ${typed.map(([c, t]) => selected(c, t)).join(", ")}
     from public.${table}`,
  );
  const actual = new Map(rows.map((row) => [row.key, row]));
  for (const [id, record] of expected) {
    const row = actual.get(id);
    actual.delete(id);
    if (!row) report.add(id, "missing");
    else compareRow(id, record, row, typed, report);
  }
  for (const id of actual.keys()) report.add(id, "not in the source");
  report.close();
  return expected.size;
}

function compareRow(
  id: string,
  record: SourceRecord,
  row: Row,
  typed: [string, ValueType][],
  report: TableReport,
): void {
  for (const [column, type] of typed) {
    const want = expectedCell(type, record[column]);
    const got = row[column];
    if (want !== got) {
      report.add(id, `${column} expected ${shown(want, type)}, actual ${shown(got, type)}`);
    }
  }
  const difference = firstDifference(record, JSON.parse(row.raw));
  if (difference) report.add(id, `raw differs from the record served at ${difference}`);
}

function shown(value: CellValue, type: ValueType): string {
  if (type === "instant" && typeof value === "number") return new Date(value).toISOString();
  return brief(value);
}

/** The record without the named fields. */
function without(record: SourceRecord, fields: readonly string[]): SourceRecord {
  if (fields.length === 0) return record;
  const copy = { ...record };
  for (const field of fields) delete copy[field];
  return copy;
}

/** A typed column the test mapping does not know would go unchecked: report it. */
async function checkColumnsKnown(
  sql: Sql,
  table: string,
  columns: ColumnTypes,
  { parent, keys }: TableRole,
  report: TableReport,
): Promise<void> {
  const rows = await sql<{ name: string }[]>`
    select column_name as name from information_schema.columns
    where table_schema = 'public' and table_name = ${table}`;
  const actual = new Set(rows.map((r) => r.name));
  const wanted = [...new Set([...Object.keys(columns), ...keys, "raw", "synced_at"])];
  if (parent) wanted.push("version", "deleted_at");
  const untypedColumns = new Set(wanted);
  for (const name of actual) {
    if (!untypedColumns.has(name) && !(name in columns)) {
      report.add("(columns)", `${name} is a column the test mapping does not check`);
    }
  }
  for (const name of wanted) {
    if (!actual.has(name)) report.add("(columns)", `${name} is missing from the table`);
  }
}

/** sync_rejects must hold exactly the expected rejects, with their reasons and payloads. */
async function compareRejects(
  sql: Sql,
  entity: EntityName,
  expected: readonly ExpectedReject[],
  mismatches: string[],
): Promise<void> {
  const report = new TableReport(`sync_rejects (${entity})`, mismatches);
  const rows = await sql<{ record_id: string | null; reason: string; raw: string }[]>`
    select record_id, reason, raw::text as raw from public.sync_rejects
    where entity = ${entity} and resolved_at is null`;
  const actual = new Map(rows.map((row) => {
    const raw = JSON.parse(row.raw);
    return [rejectKey(row.record_id, raw), { ...row, raw }];
  }));
  // One row per record id: the last version of a record wins, as in sync_rejects.
  const wanted = new Map(
    expected.map((reject) => [rejectKey(reject.recordId, reject.raw), reject]),
  );
  for (const [key, reject] of wanted) {
    const row = actual.get(key);
    actual.delete(key);
    if (!row) {
      report.add(key, `expected a reject starting "${reject.reasonPrefix}", none filed`);
      continue;
    }
    if (!row.reason.startsWith(reject.reasonPrefix)) {
      report.add(
        key,
        `reason expected to start "${reject.reasonPrefix}", actual ${brief(row.reason)}`,
      );
    }
    const difference = firstDifference(reject.raw, row.raw);
    if (difference) report.add(key, `raw differs from the record served at ${difference}`);
  }
  for (const [key, row] of actual) report.add(key, `rejected unexpectedly: ${brief(row.reason)}`);
  report.close();
}

/** How a reject is told apart: its record id, or for a record without one, its payload. */
function rejectKey(recordId: string | null, raw: unknown): string {
  return recordId !== null ? `id ${recordId}` : `without id ${sortedJson(raw)}`;
}
