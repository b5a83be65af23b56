import assert from "node:assert/strict";
import {
  connectTestDatabase,
  resetSyncData,
  testDatabaseUrl,
} from "../../../../dev/testing/database.ts";
import { rowChangesDuring } from "../../../../dev/testing/table_snapshot.ts";
import { createDatabase, type Sql } from "../database.ts";
import { type EntityDefinition, getEntity } from "../entities/registry.ts";
import { ingestPage, type PageCounts } from "./ingest_page.ts";
import { acquireLease, LeaseLostError } from "./lease.ts";
import { type PreparedPage, preparePage } from "./prepared_page.ts";
import { openRun } from "./run_log.ts";
import { ReplyBody } from "../lightspeed/reply_body.ts";

const id = (n: number) => `0a1b2c3d-4e5f-ff38-9e8d-${String(n).padStart(12, "0")}`;
const base = 4_294_967_296;

type Land = (entity: EntityDefinition, records: unknown[]) => Promise<unknown>;
/** Lands a page as given, past the validator: what a gap in the validator would let through. */
type LandPrepared = (
  entity: EntityDefinition,
  page: PreparedPage,
  secrets?: string[],
) => Promise<PageCounts>;

/**
 * How `land` hands a page over: parsed and validated in the function, or as the API's reply
 * text that PostgreSQL checks and parses (landUnchecked in ingest_page.ts), which must land
 * exactly the same rows, counts and rejects. Every test that lands through `land` runs both ways.
 */
type Handover = "validated" | "unchecked";
let handover: Handover = "validated";

function landingTest(name: string, fn: () => Promise<void>) {
  for (const way of ["validated", "unchecked"] as const) {
    Deno.test(`${name} (page ${way})`, async () => {
      // asserts-via: fn, the test body given to landingTest
      handover = way;
      try {
        await fn();
      } finally {
        handover = "validated";
      }
    });
  }
}

/** The reply Lightspeed would send for these records. */
function replyText(records: unknown[], versionMax: number): string {
  return JSON.stringify({ data: records, version: { min: 0, max: versionMax } });
}

async function withRun(fn: (sql: Sql, land: Land, landPrepared: LandPrepared) => Promise<void>) {
  const sql = await connectTestDatabase();
  try {
    await resetSyncData(sql);
    const owners = new Map<string, { owner: string; runId: number }>();
    const landPrepared: LandPrepared = async (entity, page, secrets) => {
      let run = owners.get(entity.name);
      if (!run) {
        const owner = crypto.randomUUID();
        assert.ok(await acquireLease(sql, entity.name, owner, 60_000));
        const runId = await openRun(sql, {
          entity: entity.name,
          trigger: "manual",
          importId: null,
          cursorStart: 0,
        });
        run = { owner, runId };
        owners.set(entity.name, run);
      }
      return await ingestPage(
        sql,
        { entity, runId: run.runId, leaseOwner: run.owner, leaseTtlMs: 60_000, secrets },
        page,
      );
    };
    const land: Land = async (entity, records) => {
      const versionMax = Math.max(
        ...records.map((r) => Number((r as { version?: unknown } | null)?.version) || 0),
      );
      // An empty page ends paging before it lands: only validated pages can be empty.
      const page = handover === "unchecked" && records.length > 0
        ? preparePage(entity, {
          records: null,
          reply: ReplyBody.fromText(replyText(records, versionMax)),
          versionMin: 0,
          versionMax,
          requestAfter: 0,
        })
        : preparePage(entity, { records, versionMin: 0, versionMax, requestAfter: 0 });
      if (handover === "unchecked" && records.length > 0) assert.ok(page.unchecked);
      return await landPrepared(entity, page);
    };
    await fn(sql, land, landPrepared);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const customers = getEntity("customers");
const sales = getEntity("sales");

landingTest(
  "ingestPage() upserts on the source version: replay no-op, older skipped, equal and newer applied",
  async () => {
    await withRun(async (sql, land) => {
      const v1 = { id: id(1), version: base + 10, first_name: "Ada", balance: 12.5 };
      assert.deepEqual(await land(customers, [v1]), {
        received: 1,
        inserted: 1,
        updated: 0,
        unchanged: 0,
        rejected: 0,
      });
      const unchanged = { received: 1, inserted: 0, updated: 0, unchanged: 1, rejected: 0 };
      // The counters say so, and the table agrees: no row written.
      let counts: unknown;
      assert.deepEqual(
        await rowChangesDuring(sql, async () => counts = await land(customers, [v1])),
        [],
      );
      assert.deepEqual(counts, unchanged);
      const older = { ...v1, version: base + 5, first_name: "Older" };
      assert.deepEqual(
        await rowChangesDuring(sql, async () => counts = await land(customers, [older])),
        [],
      );
      assert.deepEqual(counts, unchanged);
      const equalChanged = { ...v1, first_name: "Same version, new content" };
      assert.equal((await land(customers, [equalChanged]) as { updated: number }).updated, 1);
      const newer = {
        ...v1,
        version: base + 20,
        first_name: "Newer",
        deleted_at: "2026-01-02T03:04:05Z",
      };
      await land(customers, [newer]);
      const [row] =
        await sql`select first_name, version, deleted_at, balance::text, raw from public.lightspeed_customers`;
      assert.equal(row.first_name, "Newer");
      assert.equal(row.version, base + 20);
      assert.equal(row.deleted_at.toISOString(), "2026-01-02T03:04:05.000Z");
      assert.equal(row.balance, "12.5");
      assert.deepEqual(row.raw, newer);
      const [state] = await sql`select cursor from public.sync_state where entity = 'customers'`;
      assert.equal(state.cursor, base + 20);
    });
  },
);

landingTest("ingestPage() replaces a sale's line items and payments as a set", async () => {
  await withRun(async (sql, land) => {
    const sale = {
      id: id(100),
      version: base + 1,
      status: "CLOSED",
      total_price: "30.00000",
      line_items: [{ id: id(101), quantity: 1, price: 10 }, {
        id: id(102),
        quantity: -2,
        price: 10,
        is_return: true,
      }],
      payments: [{ id: id(103), amount: 30, payment_date: "2026-03-01 10:00:00" }],
    };
    await land(sales, [sale]);
    const edited = { ...sale, version: base + 2, line_items: [sale.line_items[1]], payments: [] };
    await land(sales, [edited]);
    const lines =
      await sql`select id, quantity::text from public.lightspeed_sale_line_items where sale_id = ${
        id(100)
      }`;
    assert.deepEqual(lines.map((l) => [l.id, l.quantity]), [[id(102), "-2"]]);
    const payments = await sql`select count(*)::int as n from public.lightspeed_sale_payments`;
    assert.equal(payments[0].n, 0);
    // An older copy of the sale changes nothing, children included.
    assert.deepEqual(await rowChangesDuring(sql, () => land(sales, [sale])), []);
  });
});

landingTest(
  "ingestPage() files rejects with the page and resolves them when a valid version lands",
  async () => {
    await withRun(async (sql, land) => {
      const counts = await land(customers, [
        { id: id(200), version: base + 1, balance: "lots" },
        { id: id(201), version: base + 2, first_name: "Fine" },
      ]);
      assert.equal((counts as { rejected: number }).rejected, 1);
      const [reject] =
        await sql`select record_id, reason, raw, resolved_at from public.sync_rejects`;
      assert.equal(reject.record_id, id(200));
      assert.match(reject.reason, /balance/);
      assert.equal(reject.resolved_at, null);
      await land(customers, [{ id: id(200), version: base + 3, balance: "5" }]);
      const [resolved] = await sql`select resolved_at from public.sync_rejects`;
      assert.ok(resolved.resolved_at instanceof Date);
    });
  },
);

// New sales get their children in the upsert's own statement, changed ones by delete and insert.
landingTest(
  "ingestPage() lands new and changed sales in one page, each with its children",
  async () => {
    await withRun(async (sql, land) => {
      const line = (n: number, quantity: number) => ({ id: id(n), quantity, price: 10 });
      const changed = { id: id(110), version: base + 1, line_items: [line(111, 1), line(112, 2)] };
      await land(sales, [changed]);
      const counts = await land(sales, [
        { ...changed, version: base + 2, line_items: [line(112, 5), line(113, 3)] },
        { id: id(120), version: base + 2, line_items: [line(121, 7)], payments: [{ id: id(122) }] },
      ]);
      assert.deepEqual(counts, { received: 2, inserted: 1, updated: 1, unchanged: 0, rejected: 0 });
      const lines = await sql`
      select sale_id, id, quantity::int from public.lightspeed_sale_line_items
      order by sale_id, id`;
      assert.deepEqual(lines.map((l) => [l.sale_id, l.id, l.quantity]), [
        [id(110), id(112), 5],
        [id(110), id(113), 3],
        [id(120), id(121), 7],
      ]);
      const payments = await sql`select sale_id, id from public.lightspeed_sale_payments`;
      assert.deepEqual(payments.map((p) => [p.sale_id, p.id]), [[id(120), id(122)]]);
    });
  },
);

landingTest("ingestPage() commits nothing when the run no longer holds the lease", async () => {
  await withRun(async (sql, land) => {
    await land(customers, [{ id: id(300), version: base + 1 }]);
    await sql`update public.sync_state set lease_owner = gen_random_uuid() where entity = 'customers'`;
    await assert.rejects(
      () => land(customers, [{ id: id(301), version: base + 2 }]),
      LeaseLostError,
    );
    const rows = await sql`select count(*)::int as n from public.lightspeed_customers`;
    assert.equal(rows[0].n, 1);
    const [state] = await sql`select cursor from public.sync_state where entity = 'customers'`;
    assert.equal(state.cursor, base + 1);
  });
});

landingTest(
  "ingestPage() files two rejects with one record key in a page once, keeping the last",
  async () => {
    await withRun(async (sql, land) => {
      // Same key three ways: identical id-less payloads, one invalid id twice, two nulls.
      const idless = { version: base + 1, first_name: "No id" };
      const counts = await land(customers, [
        idless,
        { ...idless },
        { id: id(400), version: base + 2, balance: "first" },
        { id: id(400), version: base + 3, balance: "second" },
        null,
        null,
        { id: id(401), version: base + 4, first_name: "Fine" },
      ]);
      assert.equal((counts as { rejected: number }).rejected, 6);
      const rejects = await sql`
      select record_key, record_id, version, seen_count from public.sync_rejects
      order by record_key`;
      assert.equal(rejects.length, 3);
      const byId = rejects.find((r) => r.record_id === id(400));
      assert.equal(byId?.version, base + 3, "the last occurrence of a key is kept");
      assert.ok(rejects.every((r) => r.seen_count === 1));
      const [state] = await sql`select cursor from public.sync_state where entity = 'customers'`;
      assert.equal(state.cursor, base + 4, "the page landed and the cursor advanced");
      // The same page again counts each record once more, it does not fail.
      await land(customers, [idless, { ...idless }, null, null]);
      const seen = await sql`select seen_count from public.sync_rejects where record_id is null`;
      assert.deepEqual(seen.map((r) => r.seen_count), [2, 2]);
    });
  },
);

Deno.test("ingestPage() lands a page the database refuses record by record, filing what it refuses", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const secret = "sekrit-token-0123456789";
    // The page goes to SQL as the API sent it: a numeric jsonb cannot hold (1e-20000 in a
    // field nobody types) fails the whole page's parse, a value the validator let through
    // fails its cast. Either would fail this page on every retry.
    const json = `{"data": [
      {"id": "${id(500)}", "version": ${base + 1}, "first_name": "Fine"},
      {"id": "${id(501)}", "version": ${base + 2}, "balance": "${secret}"},
      {"id": "${id(502)}", "version": ${base + 3}, "loyalty_points": 1e-20000},
      {"id": "${id(503)}", "version": ${base + 4}, "first_name": "Also fine"}
    ], "version": {"min": ${base + 1}, "max": ${base + 4}}}`;
    const counts = await landPrepared(
      customers,
      { json, validCount: 4, rejects: [], received: 4, versionMax: base + 4 },
      [secret],
    );
    assert.deepEqual(counts, { received: 4, inserted: 3, updated: 0, unchanged: 0, rejected: 1 });
    const rows = await sql`select id from public.lightspeed_customers order by id`;
    assert.deepEqual(rows.map((r) => r.id), [id(500), id(502), id(503)]);
    const [reject] = await sql`select record_id, version, reason, raw from public.sync_rejects`;
    assert.equal(reject.record_id, id(501));
    assert.equal(reject.version, base + 2);
    assert.match(reject.reason, /^Rejected by the database: invalid input syntax for type numeric/);
    assert.ok(!reject.reason.includes(secret), reject.reason);
    assert.equal(reject.raw.id, id(501));
    const [state] = await sql`select cursor from public.sync_state where entity = 'customers'`;
    assert.equal(state.cursor, base + 4, "the cursor advanced past the page");
    const [log] = await sql`select pages, records_inserted, records_rejected from public.sync_log`;
    assert.deepEqual(log, { pages: 1, records_inserted: 3, records_rejected: 1 });
  });
});

Deno.test("ingestPage() refuses a sale whose child the database refuses, with its children", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const sale = (n: number, quantity: unknown) => ({
      id: id(n),
      version: base + n,
      status: "CLOSED",
      line_items: [{ id: id(n + 1), quantity, price: 10 }],
      payments: [{ id: id(n + 2), amount: 10 }],
    });
    const records = [sale(600, 1), sale(610, "two"), sale(620, 3)];
    const counts = await landPrepared(
      sales,
      {
        json: JSON.stringify({ data: records }),
        validCount: 3,
        rejects: [],
        received: 3,
        versionMax: base + 620,
      },
    );
    assert.equal(counts.inserted, 2);
    assert.equal(counts.rejected, 1);
    const landed = await sql`
      select s.id, count(l.id)::int as lines from public.lightspeed_sales s
      left join public.lightspeed_sale_line_items l on l.sale_id = s.id
      group by s.id order by s.id`;
    assert.deepEqual(landed.map((r) => [r.id, r.lines]), [[id(600), 1], [id(620), 1]]);
    const payments = await sql`select count(*)::int as n from public.lightspeed_sale_payments`;
    assert.equal(payments[0].n, 2, "the refused sale's payments are not kept either");
    const [reject] = await sql`select record_id, reason from public.sync_rejects`;
    assert.equal(reject.record_id, id(610));
    assert.match(reject.reason, /^Rejected by the database: .*numeric.*"two"/);
  });
});

landingTest(
  "ingestPage() files a record that violates a constraint and lands the rest",
  async () => {
    await withRun(async (sql, land) => {
      // A constraint the validator knows nothing about stands in for any integrity violation
      // (not null, check, unique); dropped again whatever happens.
      await sql`alter table public.lightspeed_customers
      drop constraint if exists ingest_page_test_poison`;
      await sql`alter table public.lightspeed_customers
      add constraint ingest_page_test_poison check (first_name is distinct from 'Poison')`;
      try {
        const counts = await land(customers, [
          { id: id(700), version: base + 1, first_name: "Fine" },
          { id: id(701), version: base + 2, first_name: "Poison" },
        ]);
        assert.equal((counts as PageCounts).inserted, 1);
        assert.equal((counts as PageCounts).rejected, 1);
        const [reject] = await sql`select record_id, reason from public.sync_rejects`;
        assert.equal(reject.record_id, id(701));
        assert.match(reject.reason, /^Rejected by the database: .*ingest_page_test_poison/);
        // Landing it again counts it once more and still lands nothing twice.
        await land(customers, [{ id: id(701), version: base + 2, first_name: "Poison" }]);
        const [again] = await sql`select seen_count from public.sync_rejects`;
        assert.equal(again.seen_count, 2);
      } finally {
        await sql`alter table public.lightspeed_customers
        drop constraint if exists ingest_page_test_poison`;
      }
    });
  },
);

/** JSON text nested `depth` arrays deep: far past what PostgreSQL's jsonb functions take. */
const nestedTooDeep = (depth = 100_000) => "[".repeat(depth) + "]".repeat(depth);

landingTest(
  "ingestPage() files a record nested too deep for PostgreSQL and lands the rest",
  async () => {
    await withRun(async (sql, _land, landPrepared) => {
      // The page fails with SQLSTATE 54001 (stack depth limit exceeded), every time: once
      // retried as a page forever, now landed record by record with that one filed.
      const json = `{"data": [
      {"id": "${id(800)}", "version": ${base + 1}, "first_name": "Fine"},
      {"id": "${id(801)}", "version": ${
        base + 2
      }, "first_name": "Deep", "note": ${nestedTooDeep()}},
      {"id": "${id(802)}", "version": ${base + 3}, "first_name": "Also fine"}
    ], "version": {"min": ${base + 1}, "max": ${base + 3}}}`;
      const counts = await landPrepared(
        customers,
        handover === "unchecked"
          ? preparePage(customers, {
            records: null,
            reply: ReplyBody.fromText(json),
            versionMin: base + 1,
            versionMax: base + 3,
            requestAfter: 0,
          })
          : { json, validCount: 3, rejects: [], received: 3, versionMax: base + 3 },
      );
      assert.deepEqual(counts, { received: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 1 });
      const rows = await sql`select id from public.lightspeed_customers order by id`;
      assert.deepEqual(rows.map((r) => r.id), [id(800), id(802)]);
      const [reject] = await sql`select record_id, version, reason, raw from public.sync_rejects`;
      assert.equal(reject.record_id, id(801));
      assert.equal(reject.version, base + 2);
      // Handed over unchecked, the page meets the validator, which refuses the object first.
      assert.equal(
        reject.reason,
        handover === "unchecked"
          ? "Invalid record: note: expected text"
          : "Rejected by the database: nested deeper than 1000 levels, more than it takes",
      );
      // The payload is kept but for the field PostgreSQL could not hold.
      assert.deepEqual(reject.raw, {
        id: id(801),
        version: base + 2,
        first_name: "Deep",
        note: "[not kept: nested deeper than 1000 levels]",
      });
      const [state] = await sql`select cursor from public.sync_state where entity = 'customers'`;
      assert.equal(state.cursor, base + 3, "the cursor advanced past the page");
    });
  },
);

// Records JSON.stringify cannot write: this test cannot make their reply text, the one above can.
Deno.test("ingestPage() files an invalid record nested too deep, with or without valid ones", async () => {
  await withRun(async (sql, land) => {
    // Its reject's payload alone once failed the page with SQLSTATE 54001, every time.
    const deepInvalid = (n: number) =>
      JSON.parse(
        `{"id": "${id(n)}", "version": ${base + n}, "balance": "lots", "note": ${nestedTooDeep()}}`,
      );
    const counts = await land(customers, [
      deepInvalid(900),
      { id: id(901), version: base + 901, first_name: "Fine" },
    ]) as PageCounts;
    assert.deepEqual([counts.inserted, counts.rejected], [1, 1]);
    const alone = await land(customers, [deepInvalid(902)]) as PageCounts;
    assert.deepEqual([alone.inserted, alone.rejected], [0, 1]);
    const rejects = await sql`
      select record_id, reason, raw->>'note' as note, raw->>'balance' as balance
      from public.sync_rejects order by record_id`;
    assert.deepEqual(rejects.map((r) => [r.record_id, r.note, r.balance]), [
      [id(900), "[not kept: nested deeper than 1000 levels]", "lots"],
      [id(902), "[not kept: nested deeper than 1000 levels]", "lots"],
    ]);
    assert.ok(rejects.every((r) => /balance/.test(r.reason)), "the validator's reason is kept");
    const [state] = await sql`select cursor from public.sync_state where entity = 'customers'`;
    assert.equal(state.cursor, base + 902);
  });
});

Deno.test("ingestPage() reads zone-less timestamps as UTC whatever the session's time zone", async () => {
  // A transaction pooler may not pass on the TimeZone the connection asked for (Supavisor drops
  // it), leaving the database's own: a session in another zone stands in for that.
  const url = new URL(testDatabaseUrl);
  url.searchParams.set("TimeZone", "Pacific/Auckland");
  const elsewhere = createDatabase(url.href, { max: 1 });
  try {
    const [{ zone }] = await elsewhere<
      { zone: string }[]
    >`select current_setting('TimeZone') as zone`;
    assert.equal(zone, "Pacific/Auckland");
    await withRun(async (sql) => {
      const owner = crypto.randomUUID();
      assert.ok(await acquireLease(sql, "customers", owner, 60_000));
      const runId = await openRun(sql, {
        entity: "customers",
        trigger: "manual",
        importId: null,
        cursorStart: 0,
      });
      const record = { id: id(800), version: base + 1, created_at: "2026-03-01 10:00:00" };
      await ingestPage(
        elsewhere,
        { entity: customers, runId, leaseOwner: owner, leaseTtlMs: 60_000 },
        {
          json: JSON.stringify({ data: [record] }),
          validCount: 1,
          rejects: [],
          received: 1,
          versionMax: base + 1,
        },
      );
      const [row] = await sql`
        select created_at from public.lightspeed_customers where id = ${id(800)}`;
      assert.equal(row.created_at.toISOString(), "2026-03-01T10:00:00.000Z");
    });
  } finally {
    await elsewhere.end({ timeout: 5 });
  }
});

landingTest(
  "ingestPage() keys outlet taxes by outlet and product: upsert, newer wins, rejects resolve",
  async () => {
    const outletTaxes = getEntity("outlet_taxes");
    await withRun(async (sql, land) => {
      const row = (product: number, tax: number, version: number) => ({
        outlet_id: id(1),
        product_id: id(product),
        tax_id: id(tax),
        deleted_at: null,
        version: base + version,
      });
      // A bad tax id: rejected under its outlet and product, until a valid version lands.
      assert.deepEqual(
        await land(outletTaxes, [row(2, 3, 1), { ...row(4, 3, 2), tax_id: "not-a-uuid" }]),
        { received: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 },
      );
      const rejected = async () =>
        await sql`select record_id, resolved_at is not null as resolved from public.sync_rejects
        where entity = 'outlet_taxes'`;
      assert.deepEqual((await rejected()).map((r) => ({ ...r })), [
        { record_id: `${id(1)}/${id(4)}`, resolved: false },
      ]);
      // A page repeating an outlet and product lands its highest version once.
      assert.deepEqual(
        await land(outletTaxes, [row(2, 5, 3), row(2, 6, 1), row(4, 3, 4)]),
        { received: 3, inserted: 1, updated: 1, unchanged: 0, rejected: 0 },
      );
      // An older version of a stored row changes nothing; a replay neither.
      const rewritten = await rowChangesDuring(sql, async () => {
        await land(outletTaxes, [row(2, 7, 2)]);
        await land(outletTaxes, [row(2, 5, 3)]);
      });
      assert.deepEqual(rewritten, []);
      const rows = await sql`
      select product_id::text, tax_id::text, version from public.lightspeed_outlet_taxes
      order by product_id`;
      assert.deepEqual(rows.map((r) => [r.product_id, r.tax_id, Number(r.version) - base]), [
        [id(2), id(5), 3],
        [id(4), id(3), 4],
      ]);
      assert.deepEqual((await rejected()).map((r) => ({ ...r })), [
        { record_id: `${id(1)}/${id(4)}`, resolved: true },
      ]);
    });
  },
);

const consignments = getEntity("consignments");

landingTest(
  "ingestPage() replaces a sub-resource's children only for parents carrying them, and keeps them out of raw",
  async () => {
    await withRun(async (sql, land) => {
      const line = (n: number, count: string) => ({ product_id: id(100 + n), count, version: n });
      const v1 = { id: id(1), version: base + 10, type: "SUPPLIER", status: "SENT" };
      await land(consignments, [{ ...v1, products: [line(1, "2.00000"), line(2, "3.00000")] }]);
      const stored = async () =>
        await sql`select p.product_id::text, p.count::text, c.raw ? 'products' as in_raw
        from public.lightspeed_consignment_products as p
        join public.lightspeed_consignments as c on c.id = p.consignment_id
        order by p.product_id`;
      const both = [
        { product_id: id(101), count: "2.00000", in_raw: false },
        { product_id: id(102), count: "3.00000", in_raw: false },
      ];
      assert.deepEqual((await stored()).map((r) => ({ ...r })), both);
      // The same version re-read with other fields and nothing fetched: its products stay.
      await land(consignments, [{ ...v1, name: "renamed" }]);
      assert.deepEqual((await stored()).map((r) => ({ ...r })), both);
      // A newer version with its products fetched: replaced as a set.
      await land(consignments, [{ ...v1, version: base + 20, products: [line(2, "5.00000")] }]);
      assert.deepEqual((await stored()).map((r) => ({ ...r })), [
        { product_id: id(102), count: "5.00000", in_raw: false },
      ]);
    });
  },
);

/** An unchecked page of `text`, as the page loop makes it from a reply it only scanned. */
function uncheckedPage(text: string | Uint8Array, versionMax: number): PreparedPage {
  const reply = typeof text === "string" ? ReplyBody.fromText(text) : new ReplyBody(text);
  return preparePage(sales, { records: null, reply, versionMin: 0, versionMax, requestAfter: 0 });
}

Deno.test("ingestPage() refuses an unchecked reply that is not JSON after all, landing nothing", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const sale = { id: id(900), version: base + 1, status: "CLOSED" };
    // Ends that read as a page, a middle that does not parse.
    const text = `{"data":[${JSON.stringify(sale)}, {oops}],"version":{"min":0,"max":${base + 1}}}`;
    await assert.rejects(
      landPrepared(sales, uncheckedPage(text, base + 1)),
      (error: Error) => {
        assert.equal(error.name, "LightspeedResponseError");
        assert.match(error.message, /not valid JSON/);
        return true;
      },
    );
    const [state] = await sql`select cursor from public.sync_state where entity = 'sales'`;
    assert.equal(Number(state.cursor), 0);
    assert.deepEqual([...await sql`select id from public.lightspeed_sales`], []);
  });
});

Deno.test("ingestPage() lands an unchecked page only at the version.max PostgreSQL reads in it", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const sale = { id: id(901), version: base + 7, status: "CLOSED" };
    // The page loop read version.max 8 from the reply's end; the reply repeats the key, and
    // the last one counts: neither PostgreSQL nor the validator lands it at 8.
    const text = `{"data":[${JSON.stringify(sale)}],"version":{"min":0,"max":${base + 8}},` +
      `"version":{"min":0,"max":${base + 7}}}`;
    await assert.rejects(landPrepared(sales, uncheckedPage(text, base + 8)), /do not read as/);
    const [state] = await sql`select cursor from public.sync_state where entity = 'sales'`;
    assert.equal(Number(state.cursor), 0);
    assert.deepEqual([...await sql`select id from public.lightspeed_sales`], []);
    // Read at the version it holds, it lands.
    const counts = await landPrepared(sales, uncheckedPage(text, base + 7));
    assert.deepEqual(counts, { received: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
  });
});

Deno.test("ingestPage() files an unchecked page's unstorable record with the validator's reason", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const good = { id: id(902), version: base + 1, status: "CLOSED" };
    const text = `{"data":[${JSON.stringify(good)},{"id":"${id(903)}","version":${base + 2},` +
      `"note":"nul \\u0000 here"}],"version":{"min":0,"max":${base + 2}}}`;
    const counts = await landPrepared(sales, uncheckedPage(text, base + 2));
    assert.deepEqual(counts, { received: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
    const [reject] = await sql`
      select record_id, reason from public.sync_rejects where entity = 'sales'`;
    assert.equal(reject.record_id, id(903));
    assert.match(reject.reason, /NUL character or broken Unicode/);
  });
});

Deno.test("ingestPage() files an unchecked page's sale with a line item that is not an object", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    // PostgreSQL's check raises on the line item (jsonb_to_record of a string): the page
    // meets the validator, which files the sale and lands the rest.
    const good = { id: id(905), version: base + 1, line_items: [{ id: id(906), quantity: 1 }] };
    const bad = { id: id(907), version: base + 2, line_items: ["x"] };
    const counts = await landPrepared(
      sales,
      uncheckedPage(replyText([good, bad], base + 2), base + 2),
    );
    assert.deepEqual(counts, { received: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 });
    const [reject] = await sql`
      select record_id, reason from public.sync_rejects where entity = 'sales'`;
    assert.equal(reject.record_id, id(907));
    assert.match(reject.reason, /line_items/);
    const items = await sql`select id from public.lightspeed_sale_line_items`;
    assert.deepEqual(items.map((r) => r.id), [id(906)]);
  });
});

Deno.test("ingestPage() lands an unchecked reply that is not UTF-8 as its decoded text reads", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const sale = { id: id(904), version: base + 1, status: "CLOSED", note: "caf\u00e9" };
    const bytes = new TextEncoder().encode(replyText([sale], base + 1));
    // The é's two bytes become one byte no UTF-8 decoder accepts: PostgreSQL refuses the
    // bytes, and the page lands as the function decodes it (U+FFFD), as any reply did before.
    const at = bytes.indexOf(0xc3);
    const broken = new Uint8Array([...bytes.subarray(0, at), 0xff, ...bytes.subarray(at + 2)]);
    const counts = await landPrepared(sales, uncheckedPage(broken, base + 1));
    assert.deepEqual(counts, { received: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
    const [row] = await sql`select raw ->> 'note' as note from public.lightspeed_sales`;
    assert.equal(row.note, "caf\ufffd");
  });
});

Deno.test("ingestPage() lands a clean unchecked page without parsing it in the function", async () => {
  await withRun(async (sql, _land, landPrepared) => {
    const sale = {
      id: id(910),
      version: base + 1,
      status: "CLOSED",
      total_price: "30.00000",
      sale_date: "2026-03-01T10:00:00+00:00",
      line_items: [{ id: id(911), quantity: 2, price: "15.00000" }],
      payments: [{ id: id(912), amount: 30, payment_date: "2026-03-01 10:00:00" }],
    };
    const text = replyText([sale], base + 1);
    const parse = JSON.parse;
    JSON.parse = () => {
      throw new Error("the page was parsed in the function");
    };
    let counts: PageCounts;
    try {
      counts = await landPrepared(sales, uncheckedPage(text, base + 1));
    } finally {
      JSON.parse = parse;
    }
    assert.deepEqual(counts, { received: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0 });
    const [row] = await sql`
      select s.total_price::text, s.raw, l.quantity::text, p.amount::text
      from public.lightspeed_sales as s
      join public.lightspeed_sale_line_items as l on l.sale_id = s.id
      join public.lightspeed_sale_payments as p on p.sale_id = s.id`;
    assert.deepEqual({ ...row }, {
      total_price: "30.00000",
      raw: sale,
      quantity: "2",
      amount: "30",
    });
  });
});

landingTest(
  "ingestPage() writes records with lz4 TOAST compression where the server has it, in that transaction only",
  async () => {
    await withRun(async (sql, land) => {
      const [{ lz4 }] = await sql`
      select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`;
      assert.equal(lz4, true, "the local PostgreSQL is built with lz4, as Supabase's is");
      // Over 2 kB, so PostgreSQL compresses the stored record.
      const sale = { id: id(920), version: base + 1, status: "CLOSED", note: "ab".repeat(3_000) };
      await land(sales, [sale]);
      const [row] = await sql`
      select pg_column_compression(raw) as method,
        current_setting('default_toast_compression') as session_default
      from public.lightspeed_sales where id = ${id(920)}`;
      assert.deepEqual({ ...row }, { method: "lz4", session_default: "pglz" });
    });
  },
);
