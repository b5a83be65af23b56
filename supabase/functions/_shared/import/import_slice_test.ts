// One import slice against the simulator and the local PostgreSQL, with a real HTTP listener
// standing in for the next invocation, so the hand-over can be seen.
import assert from "node:assert/strict";
import { startSimulator } from "../../../../simulator/mod.ts";
import type { ScaleOption } from "../../../../simulator/mod.ts";
import {
  connectTestDatabase,
  resetSyncData,
  testDatabaseUrl,
} from "../../../../dev/testing/database.ts";
import { testSyncSecret } from "../../../../dev/testing/sync_stack.ts";
import type { Sql } from "../database.ts";
import { createFunctionContext, type FunctionContext } from "../function_context.ts";
import { idleHandoverDelayMs, runImportSlice } from "./import_slice.ts";
import { type ImportPlan, startOrContinueImport } from "./import_state.ts";

/** The token of the chain a start took. */
function chainOf(plan: ImportPlan): string {
  assert.equal(plan.chain.kind, "new", "the start took a new chain");
  return plan.chain.kind === "new" ? plan.chain.chain.token : "";
}

interface HandOver {
  path: string;
  secret: string | null;
  body: { chain: string; entities: string[]; generation: number; idle: number };
}

interface SliceSetup {
  sql: Sql;
  context: FunctionContext;
  handOvers: HandOver[];
}

async function withSlice(
  options: { scale: ScaleOption; env?: Record<string, string> },
  fn: (setup: SliceSetup) => Promise<void>,
) {
  const sql = await connectTestDatabase();
  await resetSyncData(sql);
  const simulator = await startSimulator({ port: 0, seed: 41, scale: options.scale });
  const handOvers: HandOver[] = [];
  const nextInvocation = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      handOvers.push({
        path: new URL(req.url).pathname,
        secret: req.headers.get("x-sync-secret"),
        body: await req.json(),
      });
      return Response.json({}, { status: 202 });
    },
  );
  const context = createFunctionContext({
    LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
    LIGHTSPEED_TOKEN: simulator.token,
    SYNC_SECRET: testSyncSecret,
    SUPABASE_DB_URL: testDatabaseUrl,
    SUPABASE_URL: `http://127.0.0.1:${nextInvocation.addr.port}`,
    LIGHTSPEED_REGISTER_COUNT: "9",
    SYNC_TIME_BUDGET_MS: "30000",
    ...options.env,
  });
  try {
    await fn({ sql, context, handOvers });
  } finally {
    await context.sql.end({ timeout: 5 });
    await nextInvocation.shutdown();
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
}

/**
 * Runs `fn` while the database refuses every sync_log insert matching `when` with `message`:
 * runEntitySync then throws before its run can record anything.
 */
async function withRunsRefused(
  sql: Sql,
  options: { when: string; message: string },
  fn: () => Promise<void>,
) {
  const drop = async () => {
    await sql`drop trigger if exists import_slice_test_refuse on public.sync_log`;
    await sql`drop function if exists public.import_slice_test_refuse()`;
  };
  await drop();
  await sql.unsafe(`
    create function public.import_slice_test_refuse() returns trigger language plpgsql as $$
    begin raise exception '${options.message.replaceAll("'", "''")}'; end $$`);
  await sql.unsafe(`
    create trigger import_slice_test_refuse before insert on public.sync_log
    for each row when (${options.when}) execute function public.import_slice_test_refuse()`);
  try {
    await fn();
  } finally {
    await drop();
  }
}

Deno.test("an import slice starts no queued entity once the invocation's CPU budget is spent", async () => {
  await withSlice({
    scale: { sales: 8_000 },
    env: { SYNC_CPU_BUDGET_MS: "100", SYNC_CONCURRENCY: "1" },
  }, async ({ sql, context, handOvers }) => {
    const entities = ["sales", "customers", "outlets"];
    const plan = await startOrContinueImport(sql, entities, { restart: false });
    const report = await runImportSlice(context, chainOf(plan), entities, { generation: 0 });
    // Sales spend the budget; the two entities queued behind them wait for the next slice.
    assert.deepEqual(report.results.map((r) => [r.entity, r.status]), [["sales", "partial"]]);
    const runs = await sql`select distinct entity from public.sync_log`;
    assert.deepEqual(runs.map((r) => r.entity), ["sales"]);
    assert.deepEqual(report.remaining, ["customers", "outlets", "sales"]);
    assert.equal(report.handedOver, true);
    assert.deepEqual(handOvers, [{
      path: "/functions/v1/import-history",
      secret: testSyncSecret,
      body: {
        chain: chainOf(plan),
        entities: ["customers", "outlets", "sales"],
        generation: 1,
        idle: 0,
      },
    }]);
  });
});

Deno.test("an import slice hands over when one of its runs throws, and logs it without secrets", async () => {
  await withSlice({ scale: "demo" }, async ({ sql, context, handOvers }) => {
    // The database refuses to open a run for outlets: runEntitySync itself throws (a failure
    // inside a run is recorded by the run; this one cannot be). The error carries the secret.
    const logged: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(" "));
    try {
      await withRunsRefused(sql, {
        when: "new.entity = 'outlets'",
        message: `refused by the test, secret ${testSyncSecret}`,
      }, async () => {
        const entities = ["customers", "outlets", "registers"];
        const plan = await startOrContinueImport(sql, entities, { restart: false });
        const report = await runImportSlice(context, chainOf(plan), entities, { generation: 4 });
        assert.deepEqual(report.results.map((r) => [r.entity, r.status]), [
          ["customers", "completed"],
          ["registers", "completed"],
        ]);
        assert.deepEqual(report.remaining, ["outlets"]);
        assert.equal(report.handedOver, true);
        assert.deepEqual(handOvers.map((h) => h.body), [
          { chain: chainOf(plan), entities: ["outlets"], generation: 5, idle: 0 },
        ]);
        const [state] = await sql`
          select import_status, lease_owner from public.sync_state where entity = 'outlets'`;
        assert.equal(state.import_status, "running");
        // The run that could not open gave its lease back: the next slice need not wait for it.
        assert.equal(state.lease_owner, null);
      });
    } finally {
      console.error = consoleError;
    }
    const failure = logged.find((line) => line.includes("outlets"));
    assert.ok(failure, `no log line for the failed run: ${JSON.stringify(logged)}`);
    assert.match(failure, /refused by the test/);
    assert.ok(!logged.some((line) => line.includes(testSyncSecret)), JSON.stringify(logged));
  });
});

Deno.test("idleHandoverDelayMs() doubles from 5 s with each idle slice in a row, up to 40 s", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 50].map(idleHandoverDelayMs), [
    5_000,
    10_000,
    20_000,
    40_000,
    40_000,
    40_000,
  ]);
});

Deno.test("an import slice that makes no progress hands over with its idle count raised", async () => {
  await withSlice({ scale: "demo" }, async ({ sql, context, handOvers }) => {
    // Every run of this slice fails before it lands anything: no progress at all.
    const consoleError = console.error;
    console.error = () => {};
    try {
      await withRunsRefused(sql, { when: "true", message: "refused by the test" }, async () => {
        const entities = ["outlets"];
        const plan = await startOrContinueImport(sql, entities, { restart: false });
        const report = await runImportSlice(context, chainOf(plan), entities, {
          generation: 2,
          idle: 0,
        });
        assert.deepEqual(report.results, []);
        assert.equal(report.handedOver, true);
        assert.deepEqual(handOvers.map((h) => h.body), [
          { chain: chainOf(plan), entities: ["outlets"], generation: 3, idle: 1 },
        ]);
      });
    } finally {
      console.error = consoleError;
    }
  });
});

Deno.test("a slice whose chain was superseded stops without handing over, and says so", async () => {
  await withSlice({ scale: "demo" }, async ({ sql, context, handOvers }) => {
    const first = await startOrContinueImport(sql, ["outlets"], { restart: false });
    const restarted = await startOrContinueImport(sql, ["outlets"], { restart: true });
    assert.notEqual(chainOf(restarted), chainOf(first));
    const warned: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => warned.push(args.join(" "));
    try {
      // Slow enough that outlets are not done in one slice: work remains for someone.
      const report = await runImportSlice(context, chainOf(first), ["outlets"], {
        generation: 3,
      });
      assert.equal(report.superseded, true);
      assert.equal(report.handedOver, false);
    } finally {
      console.warn = consoleWarn;
    }
    assert.deepEqual(handOvers, [], "the superseded chain hands nothing over");
    assert.ok(
      warned.some((line) => line.includes(chainOf(first)) && /stops here/.test(line)),
      JSON.stringify(warned),
    );
    const [chain] = await sql`select token::text from public.sync_import_chain`;
    assert.equal(chain.token, chainOf(restarted), "the restart's chain is untouched");
  });
});

Deno.test("a start while a chain runs joins it: the chain imports the added entity too", async () => {
  await withSlice({ scale: "demo" }, async ({ sql, context, handOvers }) => {
    const first = await startOrContinueImport(sql, ["outlets"], { restart: false });
    const second = await startOrContinueImport(sql, ["registers"], { restart: false });
    assert.equal(second.chain.kind, "joined");
    assert.equal(second.importId, first.importId, "the joined entity works under the same id");
    const report = await runImportSlice(context, chainOf(first), ["outlets"], { generation: 0 });
    assert.deepEqual(report.results.map((r) => [r.entity, r.status]).sort(), [
      ["outlets", "completed"],
      ["registers", "completed"],
    ]);
    assert.deepEqual(handOvers, []);
    const [chain] = await sql`
      select token, ended_at is not null as ended, handovers from public.sync_import_chain`;
    assert.deepEqual(chain, { token: null, ended: true, handovers: 0 }, "the chain ended");
  });
});
