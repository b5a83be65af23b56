// What the registry says each synced table looks like, column by column, and the differences
// between that and the columns a database really has (information_schema.columns). The sync
// builds its SQL from the registry alone, so a table that drifted from it fails at run time;
// registry_schema_test.ts compares the two on the database instead.
import type { ColumnKind } from "./column_kinds.ts";
import {
  type ColumnMap,
  columnSpec,
  type EntityDefinition,
  keyColumns,
  type Keyed,
} from "./registry.ts";

/** A column as information_schema.columns describes it. */
export interface ColumnShape {
  /** data_type, with precision and scale for a constrained numeric: "numeric(10,2)". */
  type: string;
  nullable: boolean;
}

/** Table name -> column name -> shape. */
export type TableShapes = Map<string, Map<string, ColumnShape>>;

/** information_schema.columns.data_type of each kind's column. */
export const columnTypeOfKind: Record<ColumnKind, string> = {
  uuid: "uuid",
  text: "text",
  numeric: "numeric",
  timestamptz: "timestamp with time zone",
  date: "date",
  boolean: "boolean",
  bigint: "bigint",
  integer: "integer",
};

const required = (type: string): ColumnShape => ({ type, nullable: false });
const optional = (type: string): ColumnShape => ({ type, nullable: true });

// Typed columns take null: a field Lightspeed leaves out or sends empty is stored as null.
function typedColumns(columns: ColumnMap): [string, ColumnShape][] {
  return Object.entries(columns).map(([name, spec]) => [
    name,
    optional(columnTypeOfKind[columnSpec(spec).kind]),
  ]);
}

// The key columns of an entity or a child (its id, or the registry's `key`) are part of its
// primary key: never null.
function keyedColumns(keyed: Keyed): [string, ColumnShape][] {
  const key = keyColumns(keyed);
  const columns = typedColumns(keyed.columns).map(([name, shape]): [string, ColumnShape] =>
    key.some((k) => k.column === name) ? [name, required(shape.type)] : [name, shape]
  );
  return keyed.key ? columns : [["id", required("uuid")], ...columns];
}

/** Every table of the registry's entities and children, with the columns the sync writes. */
export function registryTableShapes(registry: readonly EntityDefinition[]): TableShapes {
  const shapes: TableShapes = new Map();
  for (const entity of registry) {
    shapes.set(
      entity.table,
      new Map([
        ...keyedColumns(entity),
        ["version", required("bigint")],
        ["deleted_at", optional("timestamp with time zone")],
        ["raw", required("jsonb")],
        ["synced_at", required("timestamp with time zone")],
      ]),
    );
    for (const child of entity.children ?? []) {
      shapes.set(
        child.table,
        new Map([
          [child.parentKey, required("uuid")],
          ...keyedColumns(child),
          ["raw", required("jsonb")],
          ["synced_at", required("timestamp with time zone")],
        ]),
      );
    }
  }
  return shapes;
}

/** One line per difference between the registry's tables and the database's; none when equal. */
export function schemaDrift(expected: TableShapes, actual: TableShapes): string[] {
  const drift: string[] = [];
  for (const [table, columns] of expected) {
    const found = actual.get(table);
    if (!found) {
      drift.push(`${table}: the table is missing`);
      continue;
    }
    for (const [column, shape] of columns) {
      const have = found.get(column);
      if (!have) drift.push(`${table}.${column}: missing (registry: ${describe(shape)})`);
      else if (have.type !== shape.type || have.nullable !== shape.nullable) {
        drift.push(`${table}.${column}: ${describe(have)}, registry: ${describe(shape)}`);
      }
    }
    for (const [column, shape] of found) {
      if (!columns.has(column)) {
        drift.push(`${table}.${column}: ${describe(shape)}, not in the registry`);
      }
    }
  }
  return drift;
}

function describe(shape: ColumnShape): string {
  return `${shape.type}${shape.nullable ? "" : " not null"}`;
}
