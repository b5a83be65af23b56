// The validator and PostgreSQL must agree: a value the validator accepts that the column's cast
// refuses sinks its whole page, on every retry. Every sample goes through the validator and
// through the real cast expression the ingest SQL uses, on the local PostgreSQL.
import assert from "node:assert/strict";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import { type ColumnKind, kindChecks } from "../entities/column_kinds.ts";
import { agreeing, type Sample, stricterOnPurpose } from "./cast_samples.ts";
import { castExpression, quoteIdentifier, quoteLiteral } from "./sql_text.ts";

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
