// import-history over real HTTP: 202 at once, then the import hands itself to fresh
// invocations until every entity reaches the end, with nobody acting.
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { signInStaff } from "../../../dev/testing/staff_session.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import { changedRows, snapshotTables } from "../../../dev/testing/table_snapshot.ts";
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

/** A stack where the import needs several slices: slow replies, small pages, 5 s slices. */
function startSlowImportStack(seed: number): Promise<SyncStack> {
  return startSyncStack({
    simulator: { seed, scale: "demo", latency: { baseMs: 350, perRecordMs: 0 } },
    functionsEnv: {
      SYNC_TIME_BUDGET_MS: "5000",
      LIGHTSPEED_PAGE_SIZE: "25",
      SYNC_CONCURRENCY: "3",
    },
  });
}

/** Waits until no chain runs and no entity is importing; returns the chain's row. */
async function waitForChainEnd(stack: SyncStack, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const [chain] = await stack.sql`
      select token::text, handovers, ended_at,
        exists (select 1 from public.sync_state where import_status = 'running') as importing
      from public.sync_import_chain`;
    if (chain.token === null && !chain.importing) return chain;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The import chain did not end within ${timeoutMs} ms`);
}

Deno.test("import-history answers 202 and completes across invocations by itself", async () => {
  const stack = await startSlowImportStack(31);
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
    const before = await snapshotTables(stack.sql);
    const restarted = await stack.invoke("import-history", {
      entities: ["sales", "customers"],
      restart: true,
    });
    assert.equal(restarted.status, 202);
    assert.notEqual(restarted.body.import_id, again.body.import_id);
    await waitForImport(stack, 30_000);
    // Measured in the tables: not one row written, added or removed.
    assert.deepEqual(changedRows(before, await snapshotTables(stack.sql)), []);
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

Deno.test("two starts at once make one chain: the second joins it and no import run is skipped", async () => {
  const stack = await startSlowImportStack(34);
  try {
    const replies = await Promise.all([
      stack.invoke("import-history", {}),
      stack.invoke("import-history", {}),
    ]);
    assert.deepEqual(replies.map((r) => r.status), [202, 202], JSON.stringify(replies));
    const joined = replies.filter((r) => r.body.joined === true);
    assert.equal(joined.length, 1, `exactly one start joined: ${JSON.stringify(replies)}`);
    assert.match(joined[0].body.running_since, /^\d{4}-\d\d-\d\dT/);
    assert.equal(replies[0].body.import_id, replies[1].body.import_id);
    await waitForImport(stack, 90_000);
    const chain = await waitForChainEnd(stack, 30_000);
    assert.ok(chain.handovers >= 1, "the one chain handed itself over");
    assert.ok(chain.ended_at, "and ended once every entity was done");
    // Two chains would race for every entity: one run each slice, the other's skipped.
    const [runs] = await stack.sql`
      select count(*) filter (where status = 'skipped')::int as skipped,
        max(n)::int as most_runs_of_an_entity
      from public.sync_log
      join (select entity, count(*) as n from public.sync_log where trigger = 'import'
        group by entity) as per_entity using (entity)
      where trigger = 'import'`;
    assert.equal(runs.skipped, 0, "no run of a second chain found its entity taken");
    assert.ok(
      runs.most_runs_of_an_entity <= chain.handovers + 1,
      "at most one run of an entity per slice of the one chain",
    );
  } finally {
    await stack.stop();
  }
});

Deno.test("a superseded chain's hand-over is refused and stops it; staff may not restart", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 35, scale: "demo", latency: { baseMs: 500, perRecordMs: 0 } },
  });
  const staff = await signInStaff(stack, "import-chain-staff");
  try {
    const started = await stack.invoke("import-history", { entities: ["outlets"] }, staff.headers);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const [{ token: first }] = await stack.sql`select token::text from public.sync_import_chain`;
    assert.ok(first, "the start took a chain token");
    const restarted = await stack.invoke("import-history", {
      entities: ["outlets"],
      restart: true,
    });
    assert.equal(restarted.status, 202);
    assert.notEqual(restarted.body.import_id, started.body.import_id);
    const [{ token: second }] = await stack.sql`select token::text from public.sync_import_chain`;
    assert.ok(second && second !== first, "the restart took a new chain token");
    const loser = await stack.invoke("import-history", {
      entities: ["outlets"],
      chain: first,
      generation: 1,
    });
    assert.equal(loser.status, 409, JSON.stringify(loser.body));
    assert.equal(loser.body.stopped, true);
    assert.ok(loser.body.error.includes(first), loser.body.error);
    assert.match(loser.body.error, /stops here/);
    const [{ token: after }] = await stack.sql`select token::text from public.sync_import_chain`;
    assert.ok(after === second || after === null, "the refused hand-over took nothing over");
    await waitForChainEnd(stack, 30_000);

    const snapshot = () =>
      stack.sql`
        select entity, cursor, import_id, import_status from public.sync_state order by entity`;
    const before = await snapshot();
    const [{ runs: runsBefore }] = await stack
      .sql`select count(*)::int as runs from public.sync_log`;
    const staffRestart = await stack.invoke(
      "import-history",
      { entities: ["outlets"], restart: true },
      staff.headers,
    );
    assert.equal(staffRestart.status, 403, JSON.stringify(staffRestart.body));
    assert.match(staffRestart.body.error, /Only the operator may restart/);
    const staffChain = await stack.invoke("import-history", { chain: first }, staff.headers);
    assert.equal(staffChain.status, 403, JSON.stringify(staffChain.body));
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(await snapshot(), before, "nothing was reset");
    const [{ runs }] = await stack.sql`select count(*)::int as runs from public.sync_log`;
    assert.equal(runs, runsBefore, "nothing ran");
  } finally {
    await staff.remove().catch(() => {});
    await stack.stop();
  }
});
