// The column types the registry can declare. Each kind knows how to validate a JSON value
// (zod) and how PostgreSQL casts it from the record's text value, so the two never disagree.
import { z } from "zod";

export type ColumnKind =
  | "uuid"
  | "text"
  | "numeric"
  | "timestamptz"
  | "date"
  | "boolean"
  | "bigint"
  | "integer";

// Lightspeed ids are UUID-shaped but many break RFC 4122's version/variant bits; PostgreSQL's
// uuid type ignores those bits, so only the shape is checked.
export const uuidShape =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const decimalText = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const integerText = /^-?\d+$/;
// ISO 8601 and the zone-less "YYYY-MM-DD HH:MM:SS" some endpoints send (read as UTC).
const timestampText =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const dateText = /^\d{4}-\d{2}-\d{2}$/;

const PG_BIGINT_MAX = 9223372036854775807n;

function isRealDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// Empty strings mean "no value" in Lightspeed payloads; they are stored as null.
const empty = z.literal("");
const absent = z.union([z.null(), empty]);

const uuidValue = z.string().regex(uuidShape, "expected a UUID-shaped id");
const textValue = z.union([z.string(), z.number(), z.boolean()]);
const numericValue = z.union([
  z.number().refine(Number.isFinite, "expected a finite number"),
  z.string().regex(decimalText, "expected a decimal number"),
]);
const timestampValue = z.string().refine(
  (s) => timestampText.test(s) && isRealDate(s),
  "expected an ISO 8601 timestamp",
);
const dateValue = z.string().refine(
  (s) => (dateText.test(s) || timestampText.test(s)) && isRealDate(s),
  "expected a date (YYYY-MM-DD)",
);
const booleanValue = z.union([z.boolean(), z.literal(0), z.literal(1), z.enum(["true", "false"])]);
/** The integer a JSON value holds, or null; zod runs refinements even after a type error. */
export function integerOf(value: unknown): bigint | null {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && integerText.test(value)) return BigInt(value);
  return null;
}

const integerValue = (max: bigint) =>
  z.union([z.number().int(), z.string().regex(integerText, "expected an integer")]).refine(
    (v) => {
      const n = integerOf(v);
      return n !== null && n <= max && n >= -max - 1n;
    },
    "integer out of range",
  );

const valueSchemas: Record<ColumnKind, z.ZodType> = {
  uuid: uuidValue,
  text: textValue,
  numeric: numericValue,
  timestamptz: timestampValue,
  date: dateValue,
  boolean: booleanValue,
  bigint: integerValue(PG_BIGINT_MAX),
  integer: integerValue(2147483647n),
};

/** The zod schema of an optional column of this kind. */
export function optionalValueSchema(kind: ColumnKind): z.ZodType {
  // .optional() (not a union with undefined) is what lets zod 4 accept a missing key.
  return z.union([absent, valueSchemas[kind]]).optional();
}

/** The zod schema of a required column of this kind (present, not null, not empty). */
export function requiredValueSchema(kind: ColumnKind): z.ZodType {
  return valueSchemas[kind];
}

/** SQL that reads field `source` of the jsonb record `recordAlias` as this kind. */
export function castExpression(recordAlias: string, source: string, kind: ColumnKind): string {
  const text = `${recordAlias} ->> ${quoteLiteral(source)}`;
  if (kind === "text") return text;
  if (kind === "date") return `(nullif(${text}, '')::timestamp)::date`;
  return `nullif(${text}, '')::${kind}`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe SQL identifier "${name}"`);
  return `"${name}"`;
}
