// The SQL that decides whether a page can land as it came, unparsed by the function (the
// unchecked landing in ingest_page.ts): true only when the validator
// (entities/record_validation.ts) would accept every record and drop nothing. It may say false
// for a page the validator accepts (the page is then validated the usual way, which only costs
// time) but never true for one it refuses, so every reject is still filed with the validator's
// reason. What it leaves to PostgreSQL is what the upsert's casts refuse anyway (a 30 February,
// a uuid's hex digits): that error sends the page to the validator too.
//
// Cost decides the form: each record's fields are read once (jsonb_to_record) and checked as
// string shapes (like, translate), since PostgreSQL's regular expressions and repeated ->>
// lookups made the check cost more than the landing.
import type { ColumnKind } from "../entities/column_kinds.ts";
import {
  type ChildCollection,
  type ColumnMap,
  columnSpec,
  type EntityDefinition,
  type KeyColumn,
  keyColumns,
} from "../entities/registry.ts";
import { inputRecords } from "./page_input.ts";
import { quoteIdentifier, quoteLiteral } from "./sql_text.ts";

// The timestamp layouts the check takes, digits as "9" (Lightspeed sends the first few); the
// cast then checks the ranges exactly as the validator does. Other layouts go to the validator.
const TIMESTAMP_LAYOUTS = [
  "9999-99-99T99:99:99+99:99",
  "9999-99-99T99:99:99-99:99",
  "9999-99-99T99:99:99Z",
  "9999-99-99 99:99:99",
  "9999-99-99T99:99:99",
  "9999-99-99",
  "9999-99-99T99:99:99.999Z",
  "9999-99-99T99:99:99.999+99:99",
  "9999-99-99T99:99:99.999999Z",
  "9999-99-99T99:99:99.999999+99:99",
];

const asNines = (text: string) => `translate(${text}, '0123456789', '9999999999')`;
const withoutDigits = (text: string) => `translate(${text}, '0123456789', '')`;

/** How a kind's check reads its field: as text, or as jsonb where the JSON type matters. */
export const readAs: Record<ColumnKind, "text" | "jsonb"> = {
  uuid: "text",
  text: "jsonb",
  numeric: "text",
  timestamptz: "text",
  date: "text",
  boolean: "jsonb",
  bigint: "text",
  integer: "text",
};

/**
 * True when the validator accepts the field as `kind`, provided the column's cast (sql_text.ts)
 * accepts it too. `value` is the field read as readAs[kind] (SQL null for no field or JSON
 * null); where the cast is more lenient than the validator, this is stricter.
 */
export function valueAccepted(value: string, kind: ColumnKind): string {
  const absent = `${value} is null or ${value} = ''`;
  switch (kind) {
    case "uuid":
      // 36 characters with the hyphens where they belong: the cast then needs 32 hex digits.
      // PostgreSQL's other spellings (braces, no hyphens, hyphens elsewhere) do not match.
      return `(${absent} or ${value} like '________-____-____-____-____________')`;
    case "text":
      return `(${value} is null or jsonb_typeof(${value}) not in ('object', 'array'))`;
    case "timestamptz":
    case "date":
      return `(${absent} or ${asNines(value)} in (${
        TIMESTAMP_LAYOUTS.map(quoteLiteral).join(", ")
      }) and left(${value}, 4) <> '0000')`;
    case "numeric":
      // Digits with at most a leading "-" and one ".": the cast refuses them anywhere else.
      // PostgreSQL writes a JSON number out in full (1e400 as 401 digits): under 300
      // characters it is finite to the validator too. true, {…} and […] have other characters.
      return `(${absent} or ${withoutDigits(value)} in ('', '.', '-', '-.') ` +
        `and length(${value}) < 300)`;
    case "boolean":
      // A JSON 0 or 1, true or false, or the strings "true" and "false"; not "0" or "1".
      return `(${value} is null or ${value} in ` +
        `('true', 'false', '0', '1', '"true"', '"false"', 'null', '""'))`;
    case "bigint":
      // Within a double's exact integers, which is how the validator reads a JSON number.
      return `(${absent} or ${withoutDigits(value)} in ('', '-') and length(${value}) <= 15)`;
    case "integer":
      return `(${absent} or ${withoutDigits(value)} in ('', '-') and length(${value}) <= 9)`;
  }
}

interface FieldUse {
  field: string;
  kind: ColumnKind;
  required: boolean;
}

function columnUses(columns: ColumnMap): FieldUse[] {
  return Object.entries(columns).map(([column, raw]) => {
    const spec = columnSpec(raw);
    return { field: spec.from ?? column, kind: spec.kind, required: false };
  });
}

function keyUses(key: readonly KeyColumn[]): FieldUse[] {
  return key.map(({ field, kind }) => ({ field, kind, required: true }));
}

/**
 * The fields read once from `record` as columns of `alias`, and every use checked: a field
 * read as jsonb where any of its uses needs the JSON type, its text then `#>> '{}'`.
 */
function recordAccepted(record: string, alias: string, uses: readonly FieldUse[]): {
  reader: string;
  accepted: string[];
} {
  const types = new Map<string, "text" | "jsonb">();
  for (const { field, kind } of uses) {
    if (types.get(field) !== "jsonb") types.set(field, readAs[kind]);
  }
  const accepted = uses.map(({ field, kind, required }) => {
    const column = `${alias}.${quoteIdentifier(field)}`;
    const value = types.get(field) === readAs[kind] ? column : `(${column} #>> '{}')`;
    const check = valueAccepted(value, kind);
    return required ? `${value} is not null and ${value} <> '' and ${check}` : check;
  });
  const definitions = [...types].map(([field, type]) => `${quoteIdentifier(field)} ${type}`);
  return {
    reader: `cross join lateral jsonb_to_record(${record}) as ${alias}(${definitions.join(", ")})`,
    accepted,
  };
}

/** The key as the validator compares it: without case (PostgreSQL's uuid ignores it). */
function distinctKeys(key: readonly KeyColumn[]): string {
  const parts = key.map(({ field }) => `lower(r ->> ${quoteLiteral(field)})`);
  return parts.length === 1
    ? `count(distinct ${parts[0]})`
    : `count(distinct (${parts.join(", ")}))`;
}

/**
 * Whether every item of the child collection in `r`'s field is accepted (true when it has
 * none); an item that is not an object makes jsonb_to_record raise.
 */
function childrenAccepted(child: ChildCollection, alias: string): string {
  const item = recordAccepted("c", alias, [
    ...keyUses(keyColumns(child)),
    ...columnUses(child.columns),
  ]);
  const field = quoteLiteral(child.field);
  // A key repeated within a parent breaks the child table's primary key (parent, key): that
  // error sends the page to the validator, as a refused cast does.
  return `(select coalesce(bool_and(
      ${item.accepted.join("\n      and ")}), true)
    from jsonb_array_elements(
      case jsonb_typeof(r -> ${field}) when 'array' then r -> ${field} else '[]'::jsonb end) as c
    ${item.reader})`;
}

/**
 * One row, one column `clean`: whether the page's records, column `r` of `records` (by default
 * the input table pg_temp.sync_page_input), can land without the validator. Children must be
 * arrays of objects with valid keys.
 *
 * One pass over the records, each detoasted once and its fields read once: a pass per
 * condition cost a decompression of the whole page each (about 12 ms per 500 sales).
 * jsonb_to_record raises on a record or child that is not an object (SQLSTATE 22023); the
 * error sends the page to the validator as a false would.
 */
export function cleanPageCheck(entity: EntityDefinition, records = inputRecords): string {
  const key = keyColumns(entity);
  const children = entity.children ?? [];
  const parent = recordAccepted("r", "x", [
    ...keyUses(key),
    { field: "deleted_at", kind: "timestamptz", required: false },
    ...columnUses(entity.columns),
  ]);
  const record = [
    ...parent.accepted,
    // A positive integer version (a JSON number has no leading zero); a string one goes to
    // the validator.
    "jsonb_typeof(r -> 'version') = 'number' and " +
    "translate(r ->> 'version', '0123456789', '') = '' and length(r ->> 'version') <= 15 " +
    "and r ->> 'version' <> '0'",
    ...children.map((c) =>
      `coalesce(jsonb_typeof(r -> ${quoteLiteral(c.field)}), 'null') in ('null', 'array')`
    ),
    ...children.map((c, n) => childrenAccepted(c, `y${n}`)),
  ];
  // A page that repeats a key keeps only its highest version: the validator's work.
  return `select coalesce(bool_and(
    ${record.join("\n    and ")}), false)
  and count(*) = ${distinctKeys(key)} as clean
from ${records} as i(r)
${parent.reader}`;
}
