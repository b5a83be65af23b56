// import-history over real HTTP: 202 at once, then the import hands itself to fresh
// invocations until every entity reaches the end, with nobody acting.
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import { type EntityName, entityNames } from "../_shared/entities/registry.ts";

/** Waits for the import to complete; returns how many samples caught it mid-run with progress. */
async function waitForImport(stack: SyncStack, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let midRunWithProgress = 0;
  while (Date.now() < until) {
    const states = await stack
      .sql`select entity, import_status, import_records, import_pages from public.sync_state`;
    if (
      states.length === entityNames.length && states.every((s) => s.import_status === "completed")
    ) {
      return midRunWithProgress;
    }
    // Progress someone watching sync_state can see: an entity still running, pages counted.
    if (
      states.some((s) =>
        s.import_status === "running" && Number(s.import_records) > 0 &&
        Number(s.import_pages) > 0
      )
    ) midRunWithProgress++;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The import did not complete within ${timeoutMs} ms`);
}

Deno.test("import-history answers 202 and completes across invocations by itself", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 31, scale: "demo", latency: { baseMs: 350, perRecordMs: 0 } },
    functionsEnv: {
      SYNC_TIME_BUDGET_MS: "5000",
      LIGHTSPEED_PAGE_SIZE: "25",
      SYNC_CONCURRENCY: "3",
    },
  });
  try {
    const started = Date.now();
    const reply = await stack.invoke("import-history", {});
    assert.equal(reply.status, 202);
    assert.ok(Date.now() - started < 2000, "the reply does not wait for the import");
    assert.deepEqual([...reply.body.entities].sort(), [...entityNames].sort());
    const midRun = await waitForImport(stack, 90_000);
    assert.ok(midRun > 0, "sync_state shows records and pages while the import runs");
    const invocations = await stack.sql`
      select count(*) filter (where status = 'partial')::int as partial
      from public.sync_log where entity = 'sales' and trigger = 'import'`;
    assert.ok(invocations[0].partial >= 1, "sales needed more than one invocation");
    const comparison = await compareWithSource(
      stack.sql,
      stack.simulator.controlUrl,
      entityNames as EntityName[],
    );
    assert.deepEqual(comparison.mismatches, []);
    const [ids] = await stack.sql`
      select count(distinct import_id)::int as n from public.sync_state`;
    assert.equal(ids.n, 1, "one import id across every entity and invocation");
  } finally {
    await stack.stop();
  }
});

Deno.test("import-history restart starts over without duplicating anything", async () => {
  const stack = await startSyncStack({ simulator: { seed: 32, scale: "demo" } });
  try {
    assert.equal((await stack.invoke("import-history", {})).status, 202);
    await waitForImport(stack, 30_000);
    const again = await stack.invoke("import-history", {});
    assert.deepEqual(again.body.entities, []);
    assert.deepEqual([...again.body.already_completed].sort(), [...entityNames].sort());
    const before = await stack
      .sql`select count(*)::int as n from public.lightspeed_sale_line_items`;
    const restarted = await stack.invoke("import-history", {
      entities: ["sales", "customers"],
      restart: true,
    });
    assert.equal(restarted.status, 202);
    assert.notEqual(restarted.body.import_id, again.body.import_id);
    await waitForImport(stack, 30_000);
    const after = await stack.sql`select count(*)::int as n from public.lightspeed_sale_line_items`;
    assert.equal(after[0].n, before[0].n);
    const [rerun] = await stack.sql`
      select sum(records_received)::int as received, sum(records_inserted + records_updated)::int as changed
      from public.sync_log where import_id = ${restarted.body.import_id}::uuid`;
    assert.ok(rerun.received > 0, "the restart read everything again");
    assert.equal(rerun.changed, 0, "and changed nothing");
    const comparison = await compareWithSource(
      stack.sql,
      stack.simulator.controlUrl,
      entityNames as EntityName[],
    );
    assert.deepEqual(comparison.mismatches, []);
  } finally {
    await stack.stop();
  }
});

Deno.test("import-history refuses unknown entities and callers without credentials", async () => {
  const stack = await startSyncStack({ simulator: { seed: 33, scale: "demo" } });
  try {
    const unknown = await stack.invoke("import-history", { entities: ["sales", "widgets"] });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error, /widgets/);
    const anonymous = await stack.invoke("import-history", {}, { "x-sync-secret": "" });
    assert.equal(anonymous.status, 401);
    const [state] = await stack.sql`select count(*)::int as n from public.sync_state`;
    assert.equal(state.n, 0);
  } finally {
    await stack.stop();
  }
});
