// The oracle of the end-to-end tests: the database must equal the simulator's current source
// state row for row (ids, versions, deletes, sale line items and payments), with every record
// the sync cannot store accounted for in sync_rejects.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import type { LightspeedRecord } from "../../supabase/functions/_shared/entities/record_check.ts";
import { validatePage } from "../../supabase/functions/_shared/entities/record_validation.ts";
import { type EntityName, getEntity } from "../../supabase/functions/_shared/entities/registry.ts";
import { withoutUnstorable } from "../../supabase/functions/_shared/sync/prepared_page.ts";

export interface Comparison {
  rowsCompared: number;
  mismatches: string[];
}

function epochOf(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  return new Date(value instanceof Date ? value : String(value)).getTime();
}

async function sourceRecords(controlUrl: string, entity: string): Promise<unknown[]> {
  const reply = await fetch(`${controlUrl}/dump?entity=${entity}`);
  if (!reply.ok) throw new Error(`Dump of ${entity} failed: ${reply.status}`);
  return (await reply.json()).data;
}

export async function compareWithSource(
  sql: Sql,
  controlUrl: string,
  entities: readonly EntityName[],
): Promise<Comparison> {
  const mismatches: string[] = [];
  let rowsCompared = 0;
  for (const name of entities) {
    const entity = getEntity(name);
    // What the sync stores of the source: the valid records jsonb can hold; the rest are rejects.
    const { records, rejects } = withoutUnstorable(
      validatePage(entity, await sourceRecords(controlUrl, name)),
    );
    const rows = await sql.unsafe<{ id: string; version: number; deleted_at: Date | null }[]>(
      `select id::text, version, deleted_at from public.${entity.table}`,
    );
    const stored = new Map(rows.map((r) => [r.id, r]));
    for (const record of records) {
      rowsCompared++;
      const key = String(record.id).toLowerCase();
      const row = stored.get(key);
      stored.delete(key);
      if (!row) {
        mismatches.push(`${name} ${key}: missing`);
        continue;
      }
      if (row.version !== Number(record.version)) {
        mismatches.push(`${name} ${key}: version ${row.version}, source ${record.version}`);
      }
      if (epochOf(row.deleted_at) !== epochOf(record.deleted_at)) {
        mismatches.push(
          `${name} ${key}: deleted_at ${row.deleted_at}, source ${record.deleted_at}`,
        );
      }
    }
    for (const extra of stored.keys()) mismatches.push(`${name} ${extra}: not in the source`);
    for (const child of entity.children ?? []) {
      rowsCompared += await compareChildren(
        sql,
        name,
        child.table,
        child.field,
        records,
        mismatches,
      );
    }
    const rejectIds = rejects.map((r) => r.recordId).filter((id): id is string => id !== null);
    if (rejectIds.length > 0) {
      const [{ n }] = await sql<{ n: number }[]>`
        select count(distinct record_id)::int as n from public.sync_rejects
        where entity = ${name} and resolved_at is null and record_id = any(${rejectIds})`;
      if (n !== new Set(rejectIds).size) {
        mismatches.push(
          `${name}: ${rejectIds.length} invalid source records, ${n} in sync_rejects`,
        );
      }
    }
  }
  return { rowsCompared, mismatches };
}

async function compareChildren(
  sql: Sql,
  entity: string,
  table: string,
  field: string,
  parents: LightspeedRecord[],
  mismatches: string[],
): Promise<number> {
  const expected = new Set<string>();
  for (const parent of parents) {
    for (const child of (parent[field] as LightspeedRecord[] | null | undefined) ?? []) {
      expected.add(`${String(parent.id).toLowerCase()}/${String(child.id).toLowerCase()}`);
    }
  }
  const rows = await sql.unsafe<{ key: string }[]>(
    `select sale_id::text || '/' || id::text as key from public.${table}`,
  );
  const actual = new Set(rows.map((r) => r.key));
  for (const key of expected) {
    if (!actual.has(key)) mismatches.push(`${entity}.${field} ${key}: missing`);
  }
  for (const key of actual) {
    if (!expected.has(key)) mismatches.push(`${entity}.${field} ${key}: not in the source`);
  }
  return expected.size;
}
