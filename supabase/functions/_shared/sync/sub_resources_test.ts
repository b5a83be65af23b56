// attachSubResources against the local PostgreSQL (the stored versions) with a scripted client:
// which records cost a request, paging of a full reply, and what lands when time runs out.
import assert from "node:assert/strict";
import { connectTestDatabase, resetSyncData } from "../../../../dev/testing/database.ts";
import type { Sql } from "../database.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { LightspeedRequestError } from "../lightspeed/errors.ts";
import { getEntity } from "../entities/registry.ts";
import type { JsonReply, QueryParams } from "../lightspeed/client.ts";
import { preparePage } from "./prepared_page.ts";
import {
  attachSubResources,
  SUB_RESOURCE_PAGE_SIZE,
  SUB_RESOURCE_PARALLELISM,
} from "./sub_resources.ts";
import { ReplyBody } from "../lightspeed/reply_body.ts";

const consignments = getEntity("consignments");
const id = (n: number) => `0a1b2c3d-4e5f-ff38-9e8d-${String(n).padStart(12, "0")}`;
const base = 4_294_967_296;

interface Call {
  path: string;
  params: QueryParams;
}

/** A client answering each products path with `lines(path, params)`, or throwing it. */
function scriptedClient(lines: (call: Call, index: number) => unknown[] | Error) {
  const calls: Call[] = [];
  return {
    calls,
    getJson(path: string, params: QueryParams): Promise<JsonReply> {
      const call = { path, params };
      const answer = lines(call, calls.length);
      calls.push(call);
      if (answer instanceof Error) return Promise.reject(answer);
      const versions = answer.map((l) => (l as { version: number }).version);
      const body = { data: answer, version: { min: versions[0], max: versions.at(-1) } };
      return Promise.resolve({ body, reply: ReplyBody.fromText(JSON.stringify(body)) });
    },
  };
}

const line = (n: number) => ({ product_id: id(500 + n), count: "1.00000", version: n });

function page(records: Record<string, unknown>[]) {
  const versionMax = Math.max(...records.map((r) => Number(r.version)));
  return preparePage(consignments, { records, versionMin: 0, versionMax, requestAfter: 0 });
}

async function withDatabase(run: (sql: Sql) => Promise<void>) {
  const sql = await connectTestDatabase();
  try {
    await resetSyncData(sql);
    await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const request = { deadline: Date.now() + 60_000 };

Deno.test("attachSubResources() fetches only records newer than the stored row, in version order", async () => {
  await withDatabase(async (sql) => {
    await sql`insert into public.lightspeed_consignments (id, version, raw) values
      (${id(1)}, ${base + 10}, '{}'), (${id(2)}, ${base + 10}, '{}')`;
    const client = scriptedClient(() => [line(1)]);
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page([
        { id: id(3), version: base + 30 },
        { id: id(1), version: base + 10 },
        { id: id(2), version: base + 20 },
      ]),
    );
    assert.deepEqual(client.calls.map((c) => c.path), [
      `/consignments/${id(2)}/products`,
      `/consignments/${id(3)}/products`,
    ]);
    const landed = JSON.parse(prepared.json).data;
    assert.deepEqual(landed.map((r: { products?: unknown }) => r.products !== undefined), [
      false,
      true,
      true,
    ]);
    assert.equal(prepared.versionMax, base + 30);
    assert.equal(prepared.incomplete, false);
  });
});

Deno.test("attachSubResources() follows a full reply with the next page, and stops at a short one", async () => {
  await withDatabase(async (sql) => {
    const full = Array.from({ length: SUB_RESOURCE_PAGE_SIZE }, (_, i) => line(i + 1));
    const client = scriptedClient((_, index) =>
      index === 0 ? full : [line(SUB_RESOURCE_PAGE_SIZE + 1)]
    );
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page([{ id: id(1), version: base + 1 }]),
    );
    assert.deepEqual(client.calls.map((c) => c.params.after), [
      undefined,
      SUB_RESOURCE_PAGE_SIZE,
    ]);
    assert.equal(JSON.parse(prepared.json).data[0].products.length, SUB_RESOURCE_PAGE_SIZE + 1);
  });
});

Deno.test("attachSubResources() out of time lands the records fetched so far with their own cursor", async () => {
  await withDatabase(async (sql) => {
    const outOfTime = new DeadlineExceededError("a slot", 5_000, Date.now());
    const client = scriptedClient((_, index) => index === 1 ? outOfTime : [line(1)]);
    const records = [
      { id: id(1), version: base + 10 },
      { id: "not-a-uuid", version: base + 15 },
      { id: id(2), version: base + 20 },
      { id: "also-not-a-uuid", version: base + 25 },
    ];
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page(records),
    );
    assert.equal(prepared.incomplete, true);
    assert.equal(prepared.versionMax, base + 10);
    assert.deepEqual(JSON.parse(prepared.json).data.map((r: { id: string }) => r.id), [id(1)]);
    // Rejects past the cursor are filed when their part of the page lands.
    assert.deepEqual(prepared.rejects.map((r) => r.recordId), []);
    assert.equal(prepared.received, 1);

    // Out of time at the first record: nothing to land, the run stops at its cursor.
    const stuck = scriptedClient(() => outOfTime);
    await assert.rejects(
      attachSubResources({ sql, client: stuck, entity: consignments, request }, page(records)),
      DeadlineExceededError,
    );
  });
});

Deno.test("attachSubResources() fetches a page's sub-resources a few at a time, not one by one", async () => {
  await withDatabase(async (sql) => {
    // A page of changed parents must land in a few round trips: one per parent outlasts a short
    // worker life (a page of 10 at 150 ms took over 1.6 s), and a worker killed sooner never
    // advanced the import.
    let inFlight = 0;
    let mostInFlight = 0;
    const client = {
      async getJson(path: string): Promise<JsonReply> {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        const n = Number(path.split("/")[2].slice(-12));
        const body = { data: [line(n)], version: { min: n, max: n } };
        return { body, reply: ReplyBody.fromText(JSON.stringify(body)) };
      },
    };
    const count = SUB_RESOURCE_PARALLELISM * 2 + 1;
    const records = Array.from({ length: count }, (_, i) => ({ id: id(i + 1), version: base + i }));
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page(records),
    );
    assert.equal(mostInFlight, SUB_RESOURCE_PARALLELISM);
    const landed = JSON.parse(prepared.json).data;
    assert.deepEqual(
      landed.map((r: { products: { product_id: string }[] }) => r.products[0].product_id),
      records.map((_, i) => id(500 + i + 1)),
    );
    assert.equal(prepared.incomplete, false);
  });
});

Deno.test("attachSubResources() out of time in a batch lands only the records before the first unfetched one", async () => {
  await withDatabase(async (sql) => {
    const outOfTime = new DeadlineExceededError("a slot", 5_000, Date.now());
    // The second parent's request runs out of time; the third's, in the same batch, succeeds.
    const client = scriptedClient((call) => call.path.includes(id(2)) ? outOfTime : [line(1)]);
    const records = [1, 2, 3].map((n) => ({ id: id(n), version: base + n }));
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page(records),
    );
    assert.equal(prepared.incomplete, true);
    assert.equal(prepared.versionMax, base + 1);
    assert.deepEqual(JSON.parse(prepared.json).data.map((r: { id: string }) => r.id), [id(1)]);
  });
});

Deno.test("attachSubResources() rejects a record whose sub-resource holds a bad record", async () => {
  await withDatabase(async (sql) => {
    const client = scriptedClient((call) =>
      call.path.includes(id(2)) ? [{ product_id: id(9), count: "lots", version: 3 }] : [line(1)]
    );
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page([{ id: id(1), version: base + 1 }, { id: id(2), version: base + 2 }]),
    );
    assert.deepEqual(JSON.parse(prepared.json).data.map((r: { id: string }) => r.id), [id(1)]);
    assert.deepEqual(prepared.rejects.map((r) => [r.recordId, r.reason]), [
      [id(2), "Invalid record: products[0].count: expected a decimal number"],
    ]);
  });
});

Deno.test("attachSubResources() takes a 404 for a parent gone since its page as no children", async () => {
  await withDatabase(async (sql) => {
    const gone = new LightspeedRequestError({ status: 404, path: "/x", bodyExcerpt: "" });
    const client = scriptedClient((call) => call.path.includes(id(2)) ? gone : [line(1)]);
    const prepared = await attachSubResources(
      { sql, client, entity: consignments, request },
      page([{ id: id(1), version: base + 1 }, { id: id(2), version: base + 2 }]),
    );
    assert.deepEqual(
      JSON.parse(prepared.json).data.map((r: { products: unknown[] }) => r.products.length),
      [1, 0],
    );
    // Any other refusal still fails the run.
    const refused = new LightspeedRequestError({ status: 400, path: "/x", bodyExcerpt: "" });
    await assert.rejects(
      attachSubResources(
        { sql, client: scriptedClient(() => refused), entity: consignments, request },
        page([{ id: id(1), version: base + 1 }]),
      ),
      LightspeedRequestError,
    );
  });
});
