// The fast landing's check may send a page the validator accepts to the validator, never the
// other way round: every value it passes, with the column's cast, the validator accepts too.
// Held on the local PostgreSQL against the validator, value by value and page by page.
import assert from "node:assert/strict";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import { startSimulator } from "../../../../simulator/mod.ts";
import type { Sql } from "../database.ts";
import { type ColumnKind, kindChecks } from "../entities/column_kinds.ts";
import { validatePage } from "../entities/record_validation.ts";
import { type EntityName, entityNames, getEntity } from "../entities/registry.ts";
import { agreeing, type Sample, str, stricterOnPurpose } from "./cast_samples.ts";
import { cleanPageCheck, readAs, valueAccepted } from "./clean_page_check.ts";
import { createInputTable } from "./page_input.ts";
import { castExpression } from "./sql_text.ts";

// Values Lightspeed sends, which the check must pass: otherwise every page takes the slow way.
const usual: Record<ColumnKind, Sample[]> = {
  uuid: [str("0a1b2c3d-4e5f-ff38-9e8d-000000000001"), str("0A1B2C3D-4E5F-FF38-9E8D-00000000000F")],
  text: [str("Ada"), str(""), "12", "true", "null"],
  numeric: ["12.5", "0", "-3", str("30.00000"), str("-0.125"), str("5."), str(".5")],
  timestamptz: [
    str("2026-03-01T10:00:00+00:00"),
    str("2026-03-01T10:00:00Z"),
    str("2026-03-01 10:00:00"),
    str("2026-03-01T10:00:00.123Z"),
    str("2026-03-01"),
  ],
  date: [str("2026-03-01"), str("2026-03-01T10:00:00+13:00")],
  boolean: ["true", "false", "0", "1", str("true"), str("false")],
  bigint: ["1", "-17", "123456789012345", str("42")],
  integer: ["1", "-17", "123456789", str("42")],
};

// More values the cast takes that the validator refuses, or that neither takes.
const hostile: Record<ColumnKind, Sample[]> = {
  uuid: [
    str("0a1b-2c3d-4e5f-ff38-9e8d-0000-0000-0001"),
    str("0a1b2c3d-4e5f-ff38-9e8d0000-00000001"),
    str("0a1b2c3d4e5fff389e8d0000000000010000"),
    "12345678901234567890123456789012",
    '{"a":1}',
  ],
  text: ['{"a":"b"}', '["x"]'],
  numeric: [
    "1e400",
    "-1e400",
    "1e-400",
    "1e308",
    str("1e5"),
    str("1-2"),
    str("-"),
    str("."),
    str("--1"),
    str("1 "),
    str("0x10"),
    '{"a":1}',
  ],
  timestamptz: [
    str("2026-03-01T10:00:00 PST"),
    str("2026-03-01 allballs"),
    str("epoch"),
    str("now"),
    str("2026-03-01T10:00:00+1:00"),
    str("2026-03-01T10:00:00+16:00"),
    str("2026-02-30T10:00:00Z"),
    str("0000-03-01"),
    str("20260301"),
    str("2026-03-01T10:00:00.1234567890Z"),
    "20260301",
  ],
  date: [str("today"), str("2026-03-01 BC"), str("March 1, 2026")],
  boolean: [str("1"), str("0"), str("t"), str("yes"), "2", "1.0", '"TRUE"'],
  bigint: [
    "1.5",
    "9223372036854775807",
    "9007199254740993",
    str("1.0"),
    str("1e3"),
    str("9223372036854775808"),
    str(" 1"),
    str("-"),
  ],
  integer: ["2147483648", "1e9", str("2147483648"), str("+1"), "0.5"],
};

/** Whether the check and the cast both pass the value as field "v". */
async function fastPathTakes(sql: Sql, kind: ColumnKind, sample: Sample): Promise<boolean> {
  const record = `{"v": ${sample}}`;
  // The field read as the page check reads it.
  const [{ accepted }] = await sql.unsafe<{ accepted: boolean }[]>(
    `select ${valueAccepted("x.v", kind)} as accepted from (select $1::text::jsonb as r) as s
    cross join lateral jsonb_to_record(r) as x(v ${readAs[kind]})`,
    [record],
  );
  if (!accepted) return false;
  try {
    await sql.unsafe(
      `select (${castExpression("r", "v", kind)})::text from (select $1::text::jsonb as r) x`,
      [record],
    );
    return true;
  } catch (error) {
    assert.match((error as { code?: string }).code ?? "", /^22/, `${kind} ${sample}: ${error}`);
    return false;
  }
}

Deno.test("the fast landing's check passes no value the validator refuses", async () => {
  const sql = await connectTestDatabase({ max: 1 });
  try {
    const wrong: string[] = [];
    const kinds = Object.keys(usual) as ColumnKind[];
    for (const kind of kinds) {
      const samples = [
        ...agreeing[kind],
        ...stricterOnPurpose[kind] ?? [],
        ...hostile[kind],
        ...usual[kind],
      ];
      for (const sample of samples) {
        const value = JSON.parse(sample);
        const validator = value === null || value === "" || kindChecks[kind].accepts(value);
        if (await fastPathTakes(sql, kind, sample) && !validator) {
          wrong.push(`${kind} ${sample.slice(0, 60)}`);
        }
      }
    }
    assert.deepEqual(wrong, [], "values the check passed that the validator refuses");
  } finally {
    await sql.end({ timeout: 5 });
  }
});

Deno.test("the fast landing's check passes the values Lightspeed sends", async () => {
  const sql = await connectTestDatabase({ max: 1 });
  try {
    const refused: string[] = [];
    for (const [kind, samples] of Object.entries(usual) as [ColumnKind, Sample[]][]) {
      for (const sample of samples) {
        assert.ok(
          kindChecks[kind].accepts(JSON.parse(sample)) || sample === "null" || sample === '""',
        );
        if (!await fastPathTakes(sql, kind, sample)) refused.push(`${kind} ${sample}`);
      }
    }
    assert.deepEqual(refused, []);
  } finally {
    await sql.end({ timeout: 5 });
  }
});

/** The check's verdict on a page of records, loaded as the fast landing loads it. */
async function pageIsClean(sql: Sql, entity: EntityName, records: unknown[]): Promise<boolean> {
  return await sql.begin(async (tx) => {
    await tx.unsafe(createInputTable);
    await tx.unsafe(
      "insert into pg_temp.sync_page_input (r) select value from jsonb_array_elements($1::text::jsonb)",
      [JSON.stringify(records)],
    );
    // A record or child that is not an object makes the check raise a data exception, which
    // sends the page to the validator as a false does (ingest_page.ts).
    try {
      const [{ clean }] = await tx.savepoint((sp) =>
        sp.unsafe<{ clean: boolean }[]>(cleanPageCheck(getEntity(entity)))
      );
      return clean;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!code.startsWith("22")) throw error;
      return false;
    }
  });
}

/** A simulator's store and the test database for one test; both always closed. */
async function withStore(
  run: (api: (path: string) => Promise<Record<string, unknown>[]>, sql: Sql) => Promise<void>,
) {
  const store = await startSimulator({ seed: 7, scale: "demo" });
  const sql = await connectTestDatabase({ max: 1 });
  const api = async (path: string) => {
    const reply = await fetch(`${store.apiBaseUrl}${path}`, {
      headers: { authorization: `Bearer ${store.token}` },
    });
    return (await reply.json() as { data: Record<string, unknown>[] }).data;
  };
  try {
    await run(api, sql);
  } finally {
    await sql.end({ timeout: 5 });
    await store.stop();
  }
}

Deno.test("the fast landing's check passes the simulator's pages of every entity", async () => {
  await withStore(async (api, sql) => {
    for (const name of entityNames) {
      const entity = getEntity(name);
      const data = await api(`${entity.path}?page_size=200`);
      if (data.length === 0) continue;
      assert.equal(validatePage(entity, data).rejects.length, 0, name);
      assert.equal(await pageIsClean(sql, name, data), true, `${name}: a clean page`);
    }
  });
});

type Sale = Record<string, unknown>;
const lines = (sale: Sale) => sale.line_items as Sale[];
const firstChanged = (p: Sale[], change: Partial<Sale>) => [{ ...p[0], ...change }, ...p.slice(1)];

// Each change makes the validator reject a record or drop a repeated one.
const refusedChanges: [string, (page: Sale[]) => unknown[]][] = [
  ["a record that is not an object", (p) => [...p, [1, 2]]],
  ["a missing id", (p) => firstChanged(p, { id: undefined })],
  ["a version of 0", (p) => firstChanged(p, { version: 0 })],
  ["a repeated id", (p) => [...p, { ...p[0], version: Number(p[0].version) + 1 }]],
  ["a repeated id in another case", (p) => [...p, { ...p[0], id: String(p[0].id).toUpperCase() }]],
  ["line items that are not an array", (p) => firstChanged(p, { line_items: { a: 1 } })],
  ["a line item that is not an object", (p) => firstChanged(p, { line_items: ["x"] })],
  [
    "a line item without an id",
    (p) => firstChanged(p, { line_items: [{ ...lines(p[0])[0], id: null }] }),
  ],
  [
    "a line item quantity as an object",
    (p) => firstChanged(p, { line_items: [{ ...lines(p[0])[0], quantity: { n: 1 } }] }),
  ],
  ["a sale date in words", (p) => firstChanged(p, { sale_date: "today" })],
];

// Forms the validator takes that the check leaves to it: such a page lands the slow way.
const changesLeftToTheValidator: [string, (page: Sale[]) => unknown[]][] = [
  ["a version as text", (p) => firstChanged(p, { version: String(p[0].version) })],
  ["a total with an exponent", (p) => firstChanged(p, { total_price: "1e3" })],
];

Deno.test("the fast landing's check passes no page the validator changes", async () => {
  await withStore(async (api, sql) => {
    const sales = await api("/sales?page_size=20");
    assert.ok(sales.length > 2 && lines(sales[0]).length > 0);
    const entity = getEntity("sales");
    for (const [name, change] of refusedChanges) {
      const validation = validatePage(entity, change(sales));
      assert.ok(
        validation.rejects.length > 0 || validation.duplicatesDropped,
        `${name}: the validator finds nothing wrong, so the change tests nothing`,
      );
      assert.equal(await pageIsClean(sql, "sales", change(sales)), false, name);
    }
    for (const [name, change] of changesLeftToTheValidator) {
      assert.equal(validatePage(entity, change(sales)).rejects.length, 0, name);
      assert.equal(await pageIsClean(sql, "sales", change(sales)), false, name);
    }
  });
});
