// The validator and PostgreSQL must agree: a value the validator accepts that the column's cast
// refuses sinks its whole page, on every retry. Every sample goes through the validator and
// through the real cast expression the ingest SQL uses, on the local PostgreSQL.
import assert from "node:assert/strict";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import { type ColumnKind, kindChecks } from "../entities/column_kinds.ts";
import { castExpression, quoteIdentifier, quoteLiteral } from "./sql_text.ts";

/** A value as JSON text, so 1.0 stays 1.0 on its way into jsonb (JS would read it as 1). */
type Sample = string;

const str = (text: string): Sample => JSON.stringify(text);

// Both sides must give the same answer for these.
const agreeing: Record<ColumnKind, Sample[]> = {
  timestamptz: [
    "2026-01-01T10:00:00Z",
    "2026-01-01 10:00:00",
    "2026-01-01T10:00",
    "2026-01-01",
    "2024-02-29T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T24:00Z",
    "2026-01-01T24:00:00.000Z",
    "2026-01-01T24:00:00.000001Z",
    "2026-01-01T24:00:01Z",
    "2026-01-01T24:01:00Z",
    "2026-01-01T25:00:00Z",
    "2026-01-01T99:00:00Z",
    "2026-01-01T12:59:00Z",
    "2026-01-01T12:60:00Z",
    "2026-01-01T12:61:00Z",
    "2026-01-01T12:59:59Z",
    "2026-01-01T12:59:60Z",
    "2026-01-01T23:59:60Z",
    "2026-01-01T12:59:60.5Z",
    "2026-01-01T12:59:61Z",
    "2026-01-01T23:59:59.999999999Z",
    "0000-01-01T00:00:00Z",
    "0000-01-01",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+15:00",
    "9999-12-31T23:59:59-15:59",
    "2026-01-01T10:00:00+05:30",
    "2026-01-01T10:00:00+0530",
    "2026-01-01T10:00:00+05",
    "2026-01-01T10:00:00-15:59",
    "2026-01-01T10:00:00+15:59",
    "2026-01-01T10:00:00+16:00",
    "2026-01-01T10:00:00+16",
    "2026-01-01T10:00:00+15:60",
    "2026-01-01T10:00:00+00:60",
    "2026-01-01T10:00:00+99:00",
    "2026-01-01T10:00:00.123456789+05:30",
    "2026-01-01T10Z",
    "2026-01-01Z",
    "2026-01-01+05:00",
    "2026-01-01-15:59",
    "2026-01-01-05",
    "2026-01-01+0500",
    "2026-01-01+16:00",
    "2026-01-01+05:61",
    "2026-01-01 24:00:00+05:30",
    "2026-01-01 10:00:00.5-0361",
    "2026-01-01 10:00:00.5-0359",
    "not a date",
  ].map(str),
  date: [
    "2026-01-01",
    "2024-02-29",
    "2026-02-29",
    "0000-06-01",
    "0001-01-01",
    "2026-01-01T10:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T25:00:00Z",
    "2026-01-01T10:61:00Z",
    "2026-01-01T10:00:00+99:00",
    "2026-01-01T10:00:00+15:59",
  ].map(str),
  numeric: [
    "0",
    "1.5",
    "-12.25",
    "1e200",
    "1e308",
    "1.0",
    "1.50",
    "-0",
    str("1.5"),
    str(".5"),
    str("5."),
    str("-0.001"),
    str("1.5e3"),
    str("1E+3"),
    str("1e131071"),
    str("9e131071"),
    str("1e131072"),
    str("99e131071"),
    str("0.01e131073"),
    str("0.01e131074"),
    str("-1e131071"),
    str("-1e131072"),
    str("1e-16383"),
    str("1e-16384"),
    str("1000e-16384"),
    str("0.001e-16380"),
    str("0e-16383"),
    str("0e-16384"),
    str("0e131073"),
    str("0e99999999999"),
    str("1e200000"),
    str("1e-200000"),
    str("1e99999999999"),
    str("9".repeat(131072)),
    str("9".repeat(131073)),
    str(`0.${"1".repeat(16383)}`),
    str(`0.${"1".repeat(16384)}`),
    str("abc"),
    str("1.2.3"),
    "true",
  ],
  bigint: [
    "1",
    "-1",
    "1.0",
    "-5.000",
    "1e3",
    "9007199254740991",
    "9223372036854774784",
    str("9223372036854775807"),
    str("-9223372036854775808"),
    str("9223372036854775808"),
    str("12"),
    "true",
  ],
  integer: [
    "1",
    "2147483647",
    "-2147483648",
    "2147483648",
    "2147483647.0",
    "7.00",
    str("2147483647"),
    str("2147483648"),
  ],
  boolean: ["true", "false", "0", "1", "1.0", "0.0", str("true"), str("false"), str("2")],
  uuid: [
    str("0a1b2c3d-4e5f-ff38-9e8d-000000000001"),
    str("0A1B2C3D-4E5F-FF38-9E8D-00000000000F"),
    str("0a1b2c3d-4e5f-ff38-9e8d-00000000000g"),
    "12",
  ],
  text: [str("anything"), "12", "1.0", "true"],
};

// PostgreSQL accepts these, the validator refuses them on purpose: forms Lightspeed does not
// send, where a reject with a reason is better than guessing.
const stricterOnPurpose: Partial<Record<ColumnKind, Sample[]>> = {
  timestamptz: [
    "2026-01-01T24:00:00.0000001Z",
    "2026-01-01t10:00:00z",
    " 2026-01-01T10:00:00Z",
    "today",
  ].map(str),
  numeric: [str("+1"), str(" 1"), str("NaN"), str("Infinity")],
  // Integral values only: the cast rounds through numeric, the validator never lets it round.
  // A JSON number near 2^63 reads as a double in JS, so the very top of the range is refused.
  bigint: [str("+1"), str(" 1"), "1.5", str("1.5"), str("1.0"), str("1e3"), "9223372036854775807"],
  integer: ["0.5", "2147483646.5", str("3.0")],
  boolean: [str("t"), str("yes"), str("on"), "2"],
  uuid: [str("0a1b2c3d4e5fff389e8d000000000001"), str("{0a1b2c3d-4e5f-ff38-9e8d-000000000001}")],
  // Objects and arrays are not text values, though ->> would give their JSON.
  text: ['{"a": 1}', "[1]"],
};

Deno.test("the validator accepts exactly the values the columns' casts accept", async () => {
  const sql = await connectTestDatabase({ max: 1 });
  try {
    const castAccepts = async (kind: ColumnKind, sample: Sample): Promise<boolean> => {
      try {
        await sql.begin(async (tx) => {
          await tx.unsafe(
            `select (${castExpression("r", "v", kind)})::text from (select $1::text::jsonb as r) x`,
            [
              `{"v": ${sample}}`,
            ],
          );
        });
        return true;
      } catch (error) {
        // Only a data exception (class 22) counts as a refusal; anything else is a broken test.
        const code = (error as { code?: string }).code ?? "";
        assert.match(code, /^22/, `${kind} ${sample.slice(0, 60)}: ${error}`);
        return false;
      }
    };
    const disagreements: string[] = [];
    for (const [kind, samples] of Object.entries(agreeing) as [ColumnKind, Sample[]][]) {
      for (const sample of samples) {
        const js = kindChecks[kind].accepts(JSON.parse(sample));
        const pg = await castAccepts(kind, sample);
        if (js !== pg) {
          disagreements.push(`${kind} ${sample.slice(0, 60)}: validator ${js}, PostgreSQL ${pg}`);
        }
      }
    }
    for (const [kind, samples] of Object.entries(stricterOnPurpose) as [ColumnKind, Sample[]][]) {
      for (const sample of samples) {
        const js = kindChecks[kind].accepts(JSON.parse(sample));
        const pg = await castAccepts(kind, sample);
        if (js || !pg) {
          disagreements.push(
            `${kind} ${
              sample.slice(0, 60)
            } (stricter on purpose): validator ${js}, PostgreSQL ${pg}`,
          );
        }
      }
    }
    assert.deepEqual(disagreements, []);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

Deno.test("the samples cover both answers for every kind", () => {
  for (const [kind, samples] of Object.entries(agreeing) as [ColumnKind, Sample[]][]) {
    const all = [...samples, ...stricterOnPurpose[kind] ?? []];
    const answers = new Set(all.map((s) => kindChecks[kind].accepts(JSON.parse(s))));
    assert.equal(answers.size, 2, `${kind} samples are all ${[...answers]}`);
  }
});

Deno.test("quoteIdentifier() quotes plain lower-case names and refuses anything else", () => {
  assert.equal(quoteIdentifier("sale_line_items"), '"sale_line_items"');
  for (const name of ['a"b', "Sales", "1st", "a b", "a;drop", ""]) {
    assert.throws(() => quoteIdentifier(name), /Unsafe SQL identifier/);
  }
});

Deno.test("quoteLiteral() doubles single quotes so the text stays one literal", () => {
  assert.equal(quoteLiteral("line_items"), "'line_items'");
  assert.equal(quoteLiteral("it's"), "'it''s'");
});
