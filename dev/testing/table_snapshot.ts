// "Nothing changed", measured in the database rather than by the sync's own counters: each
// row's xmin (the transaction that last wrote it) by key, before and after. A row rewritten with
// identical values still gets a new xmin, and a deleted and re-inserted child a new one too.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import {
  type EntityDefinition,
  entityRegistry,
  keyColumns,
  type Keyed,
} from "../../supabase/functions/_shared/entities/registry.ts";
import { syncedTables } from "./database.ts";

/** Per table: row key -> xmin. */
export type TableSnapshot = Map<string, Map<string, string>>;

const registry = entityRegistry as readonly EntityDefinition[];

/** The key columns as one text, "/" between them (ids, or the registry's `key`). */
function keyText(keyed: Keyed): string {
  return keyColumns(keyed).map((k) => `${k.column}::text`).join(" || '/' || ");
}

// A child row is keyed by its parent's id and its own (registry's children: parentKey, key);
// an entity's row by its id, or by its registry `key` columns.
const rowKeys = new Map([
  ...registry.map((entity): [string, string] => [entity.table, keyText(entity)]),
  ...registry.flatMap((entity) =>
    (entity.children ?? []).map((child): [string, string] => [
      child.table,
      `${child.parentKey}::text || '/' || ${keyText(child)}`,
    ])
  ),
]);

function rowKey(table: string): string {
  return rowKeys.get(table) ?? "id::text";
}

export async function snapshotTables(
  sql: Sql,
  tables: readonly string[] = syncedTables,
): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = new Map();
  for (const table of tables) {
    const rows = await sql.unsafe<{ key: string; xmin: string }[]>(
      `select ${rowKey(table)} as key, xmin::text as xmin from public.${table}`,
    );
    snapshot.set(table, new Map(rows.map((r) => [r.key, r.xmin])));
  }
  return snapshot;
}

/** One line per table whose rows were added, removed or rewritten; empty when none was. */
export function changedRows(before: TableSnapshot, after: TableSnapshot): string[] {
  const lines: string[] = [];
  for (const [table, rowsBefore] of before) {
    const rowsAfter = after.get(table) ?? new Map<string, string>();
    const added = [...rowsAfter.keys()].filter((key) => !rowsBefore.has(key));
    const removed = [...rowsBefore.keys()].filter((key) => !rowsAfter.has(key));
    const rewritten = [...rowsBefore].filter(([key, xmin]) =>
      rowsAfter.has(key) && rowsAfter.get(key) !== xmin
    ).map(([key]) => key);
    if (added.length + removed.length + rewritten.length === 0) continue;
    lines.push(
      `${table}: ${rewritten.length} rewritten, ${added.length} added, ${removed.length} removed` +
        ` (e.g. ${
          [...rewritten.sort(), ...added.sort(), ...removed.sort()].slice(0, 3).join(", ")
        })`,
    );
  }
  return lines;
}

/** Runs `action` and returns how it changed the tables, as changedRows words it. */
export async function rowChangesDuring(
  sql: Sql,
  action: () => Promise<unknown>,
): Promise<string[]> {
  const before = await snapshotTables(sql);
  await action();
  return changedRows(before, await snapshotTables(sql));
}
