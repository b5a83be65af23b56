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
import { runImportSlice } from "./import_slice.ts";
import { startOrContinueImport } from "./import_state.ts";

interface HandOver {
  path: string;
  secret: string | null;
  body: { entities: string[]; generation: number };
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

Deno.test("an import slice starts no queued entity once the invocation's CPU budget is spent", async () => {
  await withSlice({
    scale: { sales: 8_000 },
    env: { SYNC_CPU_BUDGET_MS: "100", SYNC_CONCURRENCY: "1" },
  }, async ({ sql, context, handOvers }) => {
    const entities = ["sales", "customers", "outlets"];
    const plan = await startOrContinueImport(sql, entities, { restart: false });
    const report = await runImportSlice(context, plan.importId, entities, { generation: 0 });
    // Sales spend the budget; the two entities queued behind them wait for the next slice.
    assert.deepEqual(report.results.map((r) => [r.entity, r.status]), [["sales", "partial"]]);
    const runs = await sql`select distinct entity from public.sync_log`;
    assert.deepEqual(runs.map((r) => r.entity), ["sales"]);
    assert.deepEqual(report.remaining, ["customers", "outlets", "sales"]);
    assert.equal(report.handedOver, true);
    assert.deepEqual(handOvers, [{
      path: "/functions/v1/import-history",
      secret: testSyncSecret,
      body: { entities: ["customers", "outlets", "sales"], generation: 1 },
    }]);
  });
});
