// The column types the registry can declare, and which JSON values each accepts: exactly the
// ones PostgreSQL's cast to that type accepts from the record's text value (the casts are built
// in sync/sql_text.ts, whose test holds the two together on a real database).

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
// The shapes the validator reads; the limits PostgreSQL's casts apply are checked on the parts.
const plainDecimalText = /^-?(?:\d+\.?\d*|\.\d+)$/;
const decimalParts = /^-?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([-+]?\d+))?$/;
const integerText = /^-?\d+$/;
// ISO 8601 and the zone-less "YYYY-MM-DD HH:MM:SS" some endpoints send (read as UTC). A bare
// date takes no negative offset: PostgreSQL reads "2026-01-01-05" as a malformed date.
const timestampText =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?|Z|\+\d{2}(?::?\d{2})?)?$/;
const nonZeroFraction = /\.\d*[1-9]/;

const PG_BIGINT_MAX = 9223372036854775807n;
// numeric's limits: digits before the decimal point, and digits after it (its display scale,
// which counts trailing zeros: 1000e-16384 overflows although its value is 1e-16381).
const PG_NUMERIC_MAX_INTEGER_DIGITS = 131_072;
const PG_NUMERIC_MAX_SCALE = 16_383;
// timestamptz's widest zone offset: ±15:59.
const PG_MAX_OFFSET_HOURS = 15;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two-digit number at `at` (the shape is already checked: both are digits). */
function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

/** A real calendar date from year 0001 on (PostgreSQL has no year 0000: 1 BC precedes 0001). */
function isRealDate(text: string): boolean {
  const y = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const m = twoDigits(text, 5);
  const d = twoDigits(text, 8);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

/**
 * True when PostgreSQL's timestamp and timestamptz casts accept the text: a real date, hours
 * 0-23 or exactly 24:00:00 (the next midnight), minutes 0-59, seconds 0-60 (60 rolls over to
 * the next minute, as PostgreSQL allows for leap seconds) and an offset of at most ±15:59.
 * Read by position once the shape matched: timestamps are on the hot path.
 */
function isCastableTimestamp(text: string): boolean {
  if (!timestampText.test(text) || !isRealDate(text)) return false;
  // After the date: "Thh:mm" (or " hh:mm"), then ":ss", a fraction, a zone, each optional.
  const separator = text.charCodeAt(10);
  const hasTime = separator === 84 || separator === 32;
  if (hasTime) {
    const hour = twoDigits(text, 11);
    const minute = twoDigits(text, 14);
    const second = text.charCodeAt(16) === 58 ? twoDigits(text, 17) : 0;
    if (minute > 59 || second > 60 || hour > 24) return false;
    if (hour === 24 && (minute > 0 || second > 0 || nonZeroFraction.test(text))) return false;
  }
  // A sign past the date's own hyphens starts a zone offset: hh, hhmm or hh:mm.
  const sign = Math.max(text.lastIndexOf("+"), text.lastIndexOf("-"));
  if (sign >= 10) {
    if (twoDigits(text, sign + 1) > PG_MAX_OFFSET_HOURS) return false;
    const minutesAt = text.charCodeAt(sign + 3) === 58 ? sign + 4 : sign + 3;
    if (minutesAt < text.length && twoDigits(text, minutesAt) > 59) return false;
  }
  return true;
}

/** True when PostgreSQL's numeric cast accepts the text (its digit and scale limits). */
function isCastableDecimal(text: string): boolean {
  // Short and without an exponent (every real amount): within both limits by its length.
  if (text.length <= PG_NUMERIC_MAX_SCALE && plainDecimalText.test(text)) return true;
  const parts = decimalParts.exec(text);
  if (!parts) return false;
  const integer = parts[1] ?? "";
  const fraction = parts[2] ?? parts[3] ?? "";
  const exponentText = parts[4];
  // Far beyond both limits whatever the digits; keeps Number() exact.
  if (exponentText !== undefined && exponentText.replace(/^[-+]/, "").length > 7) return false;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (fraction.length - exponent > PG_NUMERIC_MAX_SCALE) return false;
  const digits = integer + fraction;
  let leadingZeros = 0;
  while (leadingZeros < digits.length && digits.charCodeAt(leadingZeros) === 48) leadingZeros++;
  // Zero has no digits before the point however large its exponent.
  if (leadingZeros === digits.length) return true;
  return integer.length - leadingZeros + exponent <= PG_NUMERIC_MAX_INTEGER_DIGITS;
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
// directly; the zod schemas (record_schema.ts) wrap the same predicates to name what failed.
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
      typeof v === "number" ? Number.isFinite(v) : typeof v === "string" && isCastableDecimal(v),
    message: "expected a decimal number",
  },
  timestamptz: {
    accepts: (v) => typeof v === "string" && isCastableTimestamp(v),
    message: "expected an ISO 8601 timestamp",
  },
  date: {
    // A date column takes a timestamp's day too: the cast goes through timestamp.
    accepts: (v) => typeof v === "string" && isCastableTimestamp(v),
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
