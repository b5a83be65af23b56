// Builds, once per entity, the set-based SQL that lands a page: the page arrives as one jsonb
// parameter and every statement works on all of its records at once.
import {
  type ChildCollection,
  type ColumnMap,
  columnSpec,
  type EntityDefinition,
  keyColumns,
  type Keyed,
  subResourceChildren,
} from "../entities/registry.ts";
import { cleanPageCheck } from "./clean_page_check.ts";
import { inputRecords } from "./page_input.ts";
import { replyText } from "./page_reply.ts";
import { castExpression, quoteIdentifier, quoteLiteral } from "./sql_text.ts";

export interface ChildStatements {
  /** $1 = uuid[] of parents whose children are replaced. */
  deleteForParents: string;
  /** $1 = uuid[] of parents; reads the page from the session's input table. */
  insertForParents: string;
}

export interface IngestStatements {
  /** Only for entities with children: the page is loaded once and read by several statements. */
  loadInput?: string;
  /**
   * Upserts parents where the incoming version is not older; returns the applied records' keys
   * as `id`: the id, or the key columns joined by "/" (registry `key`).
   */
  upsert: string;
  /**
   * Only for entities with children: the upsert (reading the input table) that also inserts,
   * in the same statement, the children of the parents it inserted; the parents it updated
   * are left to the children's statements.
   */
  upsertWithNewChildren?: string;
  /**
   * The same, but rewriting identical rows too (a repair: a row changed by hand keeps its raw,
   * so only a rewrite restores its columns and children).
   */
  rewrite: string;
  children: ChildStatements[];
  /** Landing a page as it came, checked by PostgreSQL (landUnchecked in ingest_page.ts). */
  unchecked: UncheckedStatements;
}

export interface UncheckedStatements {
  /**
   * Reads the reply from the session's reply table (page_reply.ts); $1 = its version.max as
   * the function read it: fills the input table with the records of "data" and returns how
   * many (`records`), whether the page's own version.max is $1 (`version_agrees`) and whether
   * the page needs no validator (`clean`, clean_page_check.ts).
   */
  load: string;
  /** The upserts of IngestStatements, reading the input table. */
  upsert: string;
  rewrite: string;
}

function typedColumns(columns: ColumnMap, alias: string) {
  return Object.entries(columns).map(([column, raw]) => {
    const spec = columnSpec(raw);
    return {
      name: quoteIdentifier(column),
      value: castExpression(alias, spec.from ?? column, spec.kind),
    };
  });
}

/** The id column, unless the record is keyed by typed columns (registry `key`). */
function idColumn(keyed: Keyed, alias: string): { name: string; value: string }[] {
  return keyed.key ? [] : [{ name: "id", value: castExpression(alias, "id", "uuid") }];
}

/** The conflict target and the text of a written row's key (what rejects are filed under). */
function keySql(entity: EntityDefinition): { conflict: string; keyText: string } {
  const key = keyColumns(entity).map((k) => quoteIdentifier(k.column));
  if (!entity.key) return { conflict: key[0], keyText: `t.${key[0]}` };
  return {
    conflict: key.join(", "),
    keyText: `concat_ws('/', ${key.map((k) => `t.${k}::text`).join(", ")})`,
  };
}

/** The parent's raw: the record as served, without the fields sub-resources travel under. */
function rawExpression(entity: EntityDefinition): string {
  return ["r", ...subResourceChildren(entity).map((c) => quoteLiteral(c.field))].join(" - ");
}

function buildUpsert(entity: EntityDefinition, source: string, rewrite = false): string {
  const table = `public.${quoteIdentifier(entity.table)}`;
  const { conflict, keyText } = keySql(entity);
  const columns = [
    ...idColumn(entity, "r"),
    { name: "version", value: castExpression("r", "version", "bigint") },
    { name: "deleted_at", value: castExpression("r", "deleted_at", "timestamptz") },
    { name: "raw", value: rawExpression(entity) },
    { name: "synced_at", value: "now()" },
    ...typedColumns(entity.columns, "r"),
  ];
  // The key is what the conflict matched on: never updated.
  const keyNames = ["id", ...keyColumns(entity).map((k) => quoteIdentifier(k.column))];
  const updates = columns.filter((c) => !keyNames.includes(c.name)).map((c) =>
    `${c.name} = excluded.${c.name}`
  );
  // Equal versions pass (a replay is allowed) but identical rows are skipped, so re-reading a
  // page changes nothing; an older version never overwrites a newer one.
  return `insert into ${table} as t (${columns.map((c) => c.name).join(", ")})
select ${columns.map((c) => c.value).join(",\n  ")}
from ${source}
on conflict (${conflict}) do update set ${updates.join(", ")}
where t.version <= excluded.version${
    rewrite ? "" : `
  and (t.version, t.deleted_at, t.raw) is distinct from (excluded.version, excluded.deleted_at, excluded.raw)`
  }
returning ${keyText} as id, (t.xmax = 0) as inserted`;
}

// A sub-resource's children are replaced only for parents that carry them: a parent that
// lands without them (an equal version re-read, nothing fetched) keeps the ones it has.
function fetchedParents(child: ChildCollection): string {
  if (child.path === undefined) return "";
  return ` and ${quoteIdentifier(child.parentKey)} in (
  select (i.r ->> 'id')::uuid from pg_temp.sync_page_input as i
  where jsonb_typeof(i.r -> ${quoteLiteral(child.field)}) = 'array')`;
}

/** Inserts the child rows of the parents `parentFilter` (SQL on the parent record `p`) keeps. */
function childInsert(child: ChildCollection, parentFilter: string): string {
  const table = `public.${quoteIdentifier(child.table)}`;
  const columns = [
    { name: quoteIdentifier(child.parentKey), value: castExpression("p", "id", "uuid") },
    ...idColumn(child, "c"),
    { name: "raw", value: "c" },
    { name: "synced_at", value: "now()" },
    ...typedColumns(child.columns, "c"),
  ];
  return `insert into ${table} (${columns.map((c) => c.name).join(", ")})
select ${columns.map((c) => c.value).join(",\n  ")}
from ${inputRecords} as i(p)
cross join lateral jsonb_array_elements(
  case jsonb_typeof(p -> ${quoteLiteral(child.field)})
    when 'array' then p -> ${quoteLiteral(child.field)} else '[]'::jsonb end
) as c
where ${parentFilter}`;
}

function buildChild(child: ChildCollection): ChildStatements {
  const table = `public.${quoteIdentifier(child.table)}`;
  return {
    deleteForParents: `delete from ${table} where ${
      quoteIdentifier(child.parentKey)
    } = any($1::uuid[])${fetchedParents(child)}`,
    insertForParents: childInsert(child, "(p ->> 'id')::uuid = any($1::uuid[])"),
  };
}

/**
 * The upsert and, in the same statement, the children of the parents it inserted: a new parent
 * has no children to replace. Returns what the upsert returns.
 */
function buildUpsertWithNewChildren(entity: EntityDefinition): string {
  const inserts = (entity.children ?? []).map((child, n) =>
    `child_${n} as (\n${
      childInsert(child, "(p ->> 'id')::uuid in (select id from parents where inserted)")
    })`
  );
  return `with parents as (\n${buildUpsert(entity, inputSource)}),\n${inserts.join(",\n")}
select id, inserted from parents`;
}

const pageSource = "jsonb_array_elements(($1::text::jsonb) -> 'data') as i(r)";
const inputSource = `${inputRecords} as i(r)`;

// The reply parsed once into the input table, and checked (clean_page_check.ts) as the rows
// go in, in the same statement: the check reads the records the insert returns, so nothing is
// read back from the table. "data" that is not an array loads nothing, and the page goes to the
// validator.
function loadReply(entity: EntityDefinition): string {
  return `with reply as (select ${replyText}::jsonb as j),
loaded as (
  insert into pg_temp.sync_page_input (r)
  select value from reply
  cross join lateral jsonb_array_elements(
    case jsonb_typeof(j -> 'data') when 'array' then j -> 'data' else '[]'::jsonb end)
  returning r)
select (select count(*) from loaded)::int as records,
  (select (j -> 'version' ->> 'max') = $1::text from reply) as version_agrees,
  (${cleanPageCheck(entity, "loaded")}) as clean`;
}

function uncheckedStatements(entity: EntityDefinition): UncheckedStatements {
  return {
    load: loadReply(entity),
    upsert: buildUpsert(entity, inputSource),
    rewrite: buildUpsert(entity, inputSource, true),
  };
}

const cache = new Map<string, IngestStatements>();

export function ingestStatements(entity: EntityDefinition): IngestStatements {
  const cached = cache.get(entity.name);
  if (cached) return cached;
  const children = entity.children ?? [];
  if (entity.key && children.length > 0) {
    throw new Error(`${entity.name}: children find their parent by id; a keyed entity has none`);
  }
  const statements: IngestStatements = children.length === 0
    ? {
      upsert: buildUpsert(entity, pageSource),
      rewrite: buildUpsert(entity, pageSource, true),
      children: [],
      unchecked: uncheckedStatements(entity),
    }
    : {
      loadInput: "insert into pg_temp.sync_page_input (r) " +
        "select value from jsonb_array_elements(($1::text::jsonb) -> 'data')",
      upsert: buildUpsert(entity, inputSource),
      upsertWithNewChildren: buildUpsertWithNewChildren(entity),
      rewrite: buildUpsert(entity, inputSource, true),
      children: children.map(buildChild),
      unchecked: uncheckedStatements(entity),
    };
  cache.set(entity.name, statements);
  return statements;
}
