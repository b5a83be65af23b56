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

// 1 for the characters a hex digit may be, by char code.
const HEX_DIGIT = new Uint8Array(128);
for (const c of "0123456789abcdefABCDEF") HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * Lightspeed ids are UUID-shaped (8-4-4-4-12 hex digits) but many break RFC 4122's
 * version/variant bits; PostgreSQL's uuid type ignores those bits, so only the shape is checked.
 * A loop, not a regular expression: the sync checks ~30 ids per sale, and this is the hot path.
 */
export function isUuidShaped(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
    } else if (code > 127 || HEX_DIGIT[code] === 0) return false;
  }
  return true;
}
const decimalText = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const integerText = /^-?\d+$/;
// ISO 8601 and the zone-less "YYYY-MM-DD HH:MM:SS" some endpoints send (read as UTC).
const timestampText =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const dateText = /^\d{4}-\d{2}-\d{2}$/;

const PG_BIGINT_MAX = 9223372036854775807n;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the text starts with a real calendar date (called after the shape matched). */
function isRealDate(text: string): boolean {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}
/** Empty strings mean "no value" in Lightspeed payloads; they are stored as null. */
export function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || value === "";
}

/** The integer a JSON value holds, or null; zod runs refinements even after a type error. */
export function integerOf(value: unknown): bigint | null {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "string" && integerText.test(value)) return BigInt(value);
  return null;
}

function integerWithin(max: number, maxBig: bigint) {
  return (value: unknown): boolean => {
    // Plain safe integers, the common case, need no BigInt.
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      return value <= max && value >= -max - 1;
    }
    const n = integerOf(value);
    return n !== null && n <= maxBig && n >= -maxBig - 1n;
  };
}

interface KindCheck {
  /** True when a present value can be cast to the column type by PostgreSQL. */
  accepts(value: unknown): boolean;
  message: string;
}

// The one definition of what each kind accepts. The fast path of validation calls these
// directly; the zod schemas below wrap the same predicates to name what failed.
export const kindChecks: Record<ColumnKind, KindCheck> = {
  uuid: {
    accepts: (v) => typeof v === "string" && isUuidShaped(v),
    message: "expected a UUID-shaped id",
  },
  text: {
    accepts: (v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean",
    message: "expected text",
  },
  numeric: {
    accepts: (v) =>
      typeof v === "number" ? Number.isFinite(v) : typeof v === "string" && decimalText.test(v),
    message: "expected a decimal number",
  },
  timestamptz: {
    accepts: (v) => typeof v === "string" && timestampText.test(v) && isRealDate(v),
    message: "expected an ISO 8601 timestamp",
  },
  date: {
    accepts: (v) =>
      typeof v === "string" && (dateText.test(v) || timestampText.test(v)) && isRealDate(v),
    message: "expected a date (YYYY-MM-DD)",
  },
  boolean: {
    accepts: (v) =>
      v === true || v === false || v === 0 || v === 1 || v === "true" || v === "false",
    message: "expected true or false",
  },
  bigint: {
    accepts: integerWithin(Number.MAX_SAFE_INTEGER, PG_BIGINT_MAX),
    message: "expected an integer within the bigint range",
  },
  integer: {
    accepts: integerWithin(2147483647, 2147483647n),
    message: "expected an integer within the integer range",
  },
};

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
