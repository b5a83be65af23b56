// Consignments and their products over real HTTP, the simulator and the local PostgreSQL: the
// products of a consignment are fetched once per changed consignment, replaced as a set with it,
// and a run killed between a page and its products leaves no consignment without them.
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { testDatabaseUrl } from "../../../dev/testing/database.ts";
import { startFunctionsProcess } from "../../../dev/testing/functions_process.ts";
import { startSyncStack, type SyncStack, testSyncSecret } from "../../../dev/testing/sync_stack.ts";

const PRODUCTS_PATH = "/consignments/{id}/products";

async function productsRequests(stack: SyncStack): Promise<number> {
  return (await stack.control("/stats")).byPath[PRODUCTS_PATH]?.requests ?? 0;
}

async function assertMatchesSource(stack: SyncStack): Promise<void> {
  const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, [
    "consignments",
  ]);
  assert.deepEqual(comparison.mismatches, []);
  assert.ok(comparison.rowsCompared > 50, `compared only ${comparison.rowsCompared} rows`);
}

async function syncConsignments(stack: SyncStack) {
  const reply = await stack.invoke("sync-entity", { entity: "consignments" });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.equal(reply.body.status, "completed", JSON.stringify(reply.body));
  return reply.body;
}

/** Consignments stored without a single product row: every source consignment has some. */
async function consignmentsWithoutProducts(stack: SyncStack): Promise<number> {
  const [row] = await stack.sql`
    select count(*)::int as n from public.lightspeed_consignments as c
    where not exists (
      select 1 from public.lightspeed_consignment_products as p where p.consignment_id = c.id)`;
  return row.n;
}

function consignmentStack(seed: number, env: Record<string, string> = {}) {
  return startSyncStack({
    simulator: { seed, scale: "demo" },
    // A set register count: every request belongs to a run and is counted in sync_log.
    functionsEnv: { LIGHTSPEED_REGISTER_COUNT: "9", ...env },
  });
}

Deno.test("consignments import: one products request per consignment, equal to the source", async () => {
  const stack = await consignmentStack(41, { LIGHTSPEED_PAGE_SIZE: "10" });
  try {
    const { entities } = await stack.control("/summary");
    const consignments = entities.consignments.records;
    const first = await syncConsignments(stack);
    assert.ok(first.pages >= 2, `only ${first.pages} pages`);
    assert.equal(first.records, consignments);
    await assertMatchesSource(stack);
    assert.equal(await productsRequests(stack), consignments);
    const [log] = await stack.sql`select sum(requests)::int as requests from public.sync_log`;
    assert.equal(log.requests, (await stack.control("/stats")).requests);
    const [types] = await stack.sql`
      select count(distinct type)::int as types, count(distinct status)::int as statuses
      from public.lightspeed_consignments`;
    assert.ok(types.types >= 3 && types.statuses >= 4, JSON.stringify(types));

    // Nothing changed: the re-run reads one empty page and no products at all.
    await stack.control("/stats/reset", {});
    const again = await syncConsignments(stack);
    assert.equal(again.records, 0);
    assert.equal(await productsRequests(stack), 0);
  } finally {
    await stack.stop();
  }
});

Deno.test("consignments incremental: changed ones have their products re-fetched and replaced", async () => {
  // A store with two open consignments of two or more products to edit.
  const stack = await consignmentStack(46);
  try {
    await syncConsignments(stack);
    const changes = await stack.control("/mutate", {
      seed: 5,
      consignmentReceipts: 2,
      consignmentEdits: 2,
      consignmentDeletes: 1,
    });
    const changed = new Set([
      ...changes.consignmentReceipts,
      ...changes.consignmentEdits,
      ...changes.consignmentDeletes,
    ]);
    assert.equal(changes.consignmentReceipts.length, 2);
    assert.equal(changes.consignmentEdits.length, 2);
    await stack.control("/stats/reset", {});
    const run = await syncConsignments(stack);
    assert.equal(run.records, changed.size);
    // Unchanged consignments cost no products request.
    assert.equal(await productsRequests(stack), changed.size);
    await assertMatchesSource(stack);
    const received = await stack.sql`
      select c.status, bool_and(p.received = p.count) as counted
      from public.lightspeed_consignments as c
      join public.lightspeed_consignment_products as p on p.consignment_id = c.id
      where c.id = any(${changes.consignmentReceipts}::uuid[])
      group by c.id, c.status`;
    assert.deepEqual(received.map((r) => ({ ...r })), [
      { status: "RECEIVED", counted: true },
      { status: "RECEIVED", counted: true },
    ]);
    const removed = await stack.sql`
      select count(*)::int as n from public.lightspeed_consignment_products
      where consignment_id::text || '/' || product_id::text = any(
        ${changes.removedConsignmentProducts}::text[])`;
    assert.equal(removed[0].n, 0, "a product taken out of a consignment is gone here too");
    const [deleted] = await stack.sql`
      select count(*)::int as n from public.lightspeed_consignments
      where id = any(${changes.consignmentDeletes}::uuid[]) and deleted_at is not null`;
    assert.equal(deleted.n, changes.consignmentDeletes.length);
  } finally {
    await stack.stop();
  }
});

Deno.test("consignments ride out 429s, 5xx and slow replies on the products path", async () => {
  const stack = await consignmentStack(43);
  try {
    await stack.control("/faults", {
      faults: [
        { type: "status", status: 429, count: 2, retryAfterSeconds: 1, path: PRODUCTS_PATH },
        { type: "status", status: 503, count: 2, path: PRODUCTS_PATH },
        { type: "slow", ms: 300, count: 2, path: PRODUCTS_PATH },
        { type: "status", status: 502, count: 1, path: "/consignments" },
      ],
    });
    await syncConsignments(stack);
    await assertMatchesSource(stack);
    const stats = await stack.control("/stats");
    const [log] = await stack.sql`
      select sum(requests)::int as requests, sum(rate_limited)::int as rate_limited
      from public.sync_log`;
    assert.equal(log.requests, stats.requests);
    assert.equal(log.rate_limited, 2);
    assert.equal(stats.violations, 0);
  } finally {
    await stack.stop();
  }
});

Deno.test("a run killed while a page's products are fetched leaves no consignment without them", async () => {
  const pageSize = 8;
  const stack = await consignmentStack(44);
  const env = {
    LIGHTSPEED_API_BASE_URL: stack.simulator.apiBaseUrl,
    LIGHTSPEED_TOKEN: stack.simulator.token,
    SYNC_SECRET: testSyncSecret,
    SUPABASE_DB_URL: testDatabaseUrl,
    LIGHTSPEED_PAGE_SIZE: String(pageSize),
    LIGHTSPEED_REGISTER_COUNT: "9",
  };
  try {
    // The first page's products land with it; the second page's third products request hangs.
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: 600_000, count: 1, path: PRODUCTS_PATH, skip: pageSize + 2 }],
    });
    const doomed = await startFunctionsProcess(env);
    const inFlight = fetch(`${doomed.url}/functions/v1/sync-entity`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sync-secret": testSyncSecret },
      body: JSON.stringify({ entity: "consignments" }),
    }).catch((error: unknown) => error);
    const started = Date.now();
    const waitFor = async (what: string, done: () => Promise<boolean>) => {
      while (!(await done())) {
        if (Date.now() - started > 20_000) throw new Error(what);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(
      "the sync never reached the crash point",
      async () => await productsRequests(stack) > pageSize + 2,
    );
    // The next page is fetched while one commits: let the first page's commit finish.
    await waitFor(
      "the first page never committed",
      async () =>
        (await stack.sql`select count(*)::int as n from public.lightspeed_consignments`)[0].n > 0,
    );
    await doomed.kill();
    assert.ok((await inFlight) instanceof Error, "the request outlived its process");

    const [stored] = await stack.sql`
      select count(*)::int as n, coalesce(max(version), 0) as max
      from public.lightspeed_consignments`;
    const [state] = await stack.sql`
      select cursor from public.sync_state where entity = 'consignments'`;
    assert.equal(stored.n, pageSize, "only the first page landed");
    assert.equal(state.cursor, stored.max, "the cursor is the last landed page's");
    assert.equal(await consignmentsWithoutProducts(stack), 0);

    await stack.control("/faults", undefined, "DELETE");
    await stack.sql`update public.sync_state set lease_expires_at = now() - interval '1 second'
      where entity = 'consignments'`;
    await syncConsignments(stack);
    await assertMatchesSource(stack);
  } finally {
    await stack.stop();
  }
});
