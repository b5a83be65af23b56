// The registry against the database: every entity's and child's table has exactly the columns
// the registry declares, of its kind's type and nullability, and public.sync_entities (the
// list settings, the scheduler, sync_status and the dashboard read) is the registry's list.
import assert from "node:assert/strict";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import type { Sql } from "../database.ts";
import { type EntityDefinition, entityLabel, entityRegistry, keyColumns } from "./registry.ts";
import {
  type ColumnShape,
  registryTableShapes,
  schemaDrift,
  type TableShapes,
} from "./registry_schema.ts";

interface InformationSchemaColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  numeric_precision: number | null;
  numeric_scale: number | null;
  is_nullable: "YES" | "NO";
}

async function databaseTableShapes(sql: Sql, tables: string[]): Promise<TableShapes> {
  const rows = await sql<InformationSchemaColumn[]>`
    select table_name, column_name, data_type, numeric_precision, numeric_scale, is_nullable
    from information_schema.columns
    where table_schema = 'public' and table_name = any(${tables})`;
  const shapes: TableShapes = new Map();
  for (const row of rows) {
    const constrained = row.data_type === "numeric" && row.numeric_precision !== null;
    const type = constrained
      ? `numeric(${row.numeric_precision},${row.numeric_scale})`
      : row.data_type;
    const columns = shapes.get(row.table_name) ?? new Map<string, ColumnShape>();
    columns.set(row.column_name, { type, nullable: row.is_nullable === "YES" });
    shapes.set(row.table_name, columns);
  }
  return shapes;
}

async function withDatabase(run: (sql: Sql) => Promise<void>): Promise<void> {
  const sql = await connectTestDatabase({ max: 1 });
  try {
    await run(sql);
  } finally {
    await sql.end();
  }
}

const registry: readonly EntityDefinition[] = entityRegistry;

Deno.test("every registry column matches its table's column in information_schema", async () => {
  await withDatabase(async (sql) => {
    const expected = registryTableShapes(registry);
    const actual = await databaseTableShapes(sql, [...expected.keys()]);
    assert.deepEqual(schemaDrift(expected, actual), []);
  });
});

Deno.test("public.sync_entities lists the registry's entities in its order", async () => {
  await withDatabase(async (sql) => {
    const rows = await sql<
      { entity: string; label: string; table_name: string; child_tables: string[] }[]
    >`
      select entity, label, table_name, child_tables from public.sync_entities
      order by sort_order`;
    assert.deepEqual(
      rows.map((r) => ({ ...r })),
      registry.map((e) => ({
        entity: e.name,
        label: entityLabel(e),
        table_name: e.table,
        child_tables: (e.children ?? []).map((c) => c.table),
      })),
    );
  });
});

Deno.test("every registry entity has its settings row and its sync_status row", async () => {
  await withDatabase(async (sql) => {
    const names = registry.map((e) => e.name);
    const settings = await sql<{ entity: string }[]>`
      select entity from public.sync_settings where entity = any(${names})`;
    assert.deepEqual(settings.map((r) => r.entity).sort(), [...names].sort());
    const status = await sql<{ entity: string; label: string; records: string | null }[]>`
      select entity, label, records from public.sync_status where entity = any(${names})
      order by sort_order`;
    assert.deepEqual(
      status.map((r) => [r.entity, r.label]),
      registry.map((e) => [e.name, entityLabel(e)]),
    );
    // Counted from the entity's own table: a number, never the null of an unknown entity.
    for (const row of status) assert.notEqual(row.records, null, `${row.entity} has no count`);
  });
});

// A page skips deleting the children of the parents it inserts (ingest_page.ts): that holds
// only while no child can outlive its parent.
Deno.test("every child table's parent key references its parent and cascades its deletion", async () => {
  await withDatabase(async (sql) => {
    for (const entity of registry) {
      for (const child of entity.children ?? []) {
        const rows = await sql<{ parent: string; columns: string[]; on_delete: string }[]>`
          select confrelid::regclass::text as parent, confdeltype as on_delete,
            array(select attname::text from pg_attribute
              where attrelid = conrelid and attnum = any(conkey)) as columns
          from pg_constraint
          where contype = 'f' and conrelid = ${`public.${child.table}`}::regclass`;
        assert.deepEqual(
          rows.map((r) => ({ ...r })),
          [{ parent: entity.table, columns: [child.parentKey], on_delete: "c" }],
          child.table,
        );
      }
    }
  });
});

// The comparison itself must see each kind of drift, or a clean run above proves nothing.
Deno.test("schemaDrift names a changed type, nullability, missing and extra column", () => {
  const entity: EntityDefinition = {
    name: "widgets",
    path: "/widgets",
    table: "lightspeed_widgets",
    supportsDeleted: true,
    pageSize: 100,
    maxPageSize: 100,
    columns: { name: "text", price: "numeric", opened_at: "timestamptz" },
    children: [{
      field: "parts",
      table: "lightspeed_widget_parts",
      parentKey: "widget_id",
      columns: { count: "integer" },
    }],
  };
  const expected = registryTableShapes([entity]);
  assert.deepEqual(schemaDrift(expected, registryTableShapes([entity])), []);
  const actual = registryTableShapes([entity]);
  const widgets = actual.get("lightspeed_widgets")!;
  widgets.set("price", { type: "numeric(10,2)", nullable: true });
  widgets.set("opened_at", { type: "timestamp without time zone", nullable: true });
  widgets.set("raw", { type: "jsonb", nullable: true });
  widgets.delete("name");
  widgets.set("colour", { type: "text", nullable: true });
  actual.delete("lightspeed_widget_parts");
  assert.deepEqual(schemaDrift(expected, actual), [
    "lightspeed_widgets.name: missing (registry: text)",
    "lightspeed_widgets.price: numeric(10,2), registry: numeric",
    "lightspeed_widgets.opened_at: timestamp without time zone, registry: timestamp with time zone",
    "lightspeed_widgets.raw: jsonb, registry: jsonb not null",
    "lightspeed_widgets.colour: text, not in the registry",
    "lightspeed_widget_parts: the table is missing",
  ]);
});

Deno.test("entityLabel capitalises the name unless the entry gives a label", () => {
  const base = registry[0];
  assert.equal(entityLabel({ ...base, name: "outlet_taxes" }), "Outlet taxes");
  assert.equal(entityLabel({ ...base, name: "users", label: "Staff users" }), "Staff users");
});

Deno.test("a keyed entity's table has its key columns not null and no id column", () => {
  const entity: EntityDefinition = {
    name: "outlet_widgets",
    path: "/outlet_widgets",
    table: "lightspeed_outlet_widgets",
    supportsDeleted: true,
    pageSize: 100,
    maxPageSize: 100,
    key: ["outlet_id", "widget_id"],
    columns: { outlet_id: "uuid", widget_id: "uuid", colour: "text" },
  };
  assert.deepEqual(keyColumns(entity).map((k) => k.column), ["outlet_id", "widget_id"]);
  assert.deepEqual(keyColumns({ ...entity, key: undefined }).map((k) => k.column), ["id"]);
  const columns = registryTableShapes([entity]).get("lightspeed_outlet_widgets")!;
  assert.deepEqual([...columns.keys()].slice(0, 3), ["outlet_id", "widget_id", "colour"]);
  assert.deepEqual(columns.get("outlet_id"), { type: "uuid", nullable: false });
  assert.deepEqual(columns.get("colour"), { type: "text", nullable: true });
  assert.throws(() => keyColumns({ ...entity, key: ["shelf_id"] }), /"shelf_id" is not a column/);
});
