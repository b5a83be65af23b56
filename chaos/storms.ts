// Scenario 3, API storms: long 429 streaks, 5xx bursts, dropped connections, truncated JSON
// and slow replies, first under an import (several entities at once), then one storm per
// entity under sync-entity. The store's rate limit binds: 1 register (350 requests per window),
// time x30 (a 10 s window) and pages of one record, so the import needs about three windows'
// worth of requests and must wait on its request budget (sync_private.request_log is watched
// filling up to the budget and never past it). The simulator's violation counter (requests over
// the real limit; injected 429s are not counted) must stay 0. After every run, its reported
// status is checked against what landed: a completed run reached the end of the source and the
// database equals it; any other run left a cursor that never passed an uncommitted record.
// Regression (was a known bug): a prefetched page that fails while the current page commits,
// e.g. a budget wait that would pass the deadline, once was an unhandled rejection that ended
// the whole functions process; the process must stay up through every storm.
import assert from "node:assert/strict";
import { resetSyncData } from "../dev/testing/database.ts";
import { freePort } from "../dev/testing/functions_process.ts";
import { chaosDatabaseUrl, connectChaosDatabase } from "./second_cluster.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import {
  type EntityName,
  entityNames,
  getEntity,
} from "../supabase/functions/_shared/entities/registry.ts";
import {
  call,
  compare,
  countInjected,
  falseCompletions,
  type Functions,
  functionsEnv,
  type Json,
  secrets,
  secretsInDatabase,
  type Simulator,
  sleep,
  sourceMaxVersions,
  startFunctions,
  startSim,
  tally,
  waitFor,
} from "./harness.ts";
import { settings } from "../supabase/functions/_shared/settings.ts";

const TIME_SCALE = 30;
/** One record per page: the import then needs ~900 requests against a budget of 315 a window. */
const PAGE_SIZE = 1;
/** The product's default LIGHTSPEED_RATE_SAFETY, as declared. */
const RATE_SAFETY = settings.LIGHTSPEED_RATE_SAFETY.shape.default;

interface Storm {
  name: string;
  entity: EntityName;
  faults: Json[];
}

const storms: Storm[] = [
  {
    name: "429 streak",
    entity: "sales",
    faults: [{ type: "status", status: 429, count: 8, retryAfterSeconds: 1, path: "/sales" }],
  },
  {
    name: "5xx burst",
    entity: "customers",
    faults: [500, 502, 503, 504, 500, 503].map((status) => ({
      type: "status",
      status,
      count: 1,
      path: "/customers",
      ...(status === 500 ? { skip: 1 } : {}),
    })),
  },
  {
    name: "connection resets",
    entity: "products",
    faults: [{ type: "reset", count: 4, skip: 1, path: "/products" }],
  },
  {
    name: "truncated JSON",
    entity: "inventory",
    faults: [{ type: "truncate", count: 3, skip: 1, path: "/inventory" }],
  },
  {
    name: "slow replies",
    entity: "sales",
    faults: [{ type: "slow", ms: 2000, count: 2, path: "/sales" }],
  },
  {
    name: "everything at once",
    entity: "sales",
    faults: [
      { type: "status", status: 503, count: 2, path: "/sales" },
      { type: "reset", count: 1, path: "/sales" },
      { type: "truncate", count: 1, skip: 1, path: "/sales" },
      { type: "status", status: 429, count: 3, retryAfterSeconds: 1, path: "/sales" },
      { type: "slow", ms: 1500, count: 1, path: "/sales" },
    ],
  },
];

/**
 * The run's claim against the database: nothing behind the cursor is missing or stale, no row
 * is ahead of it; a completed run's cursor is the end of the source.
 */
async function checkTruthful(
  sql: Sql,
  simulator: Simulator,
  entity: EntityName,
  reply: { status: number; body: Json; text: string },
): Promise<string[]> {
  const problems: string[] = [];
  assert.equal(reply.status, 200, reply.text);
  const { status, cursor, run_id: runId } = reply.body;
  assert.ok(["completed", "partial", "failed", "skipped"].includes(status), reply.text);
  const [log] = await sql<{ status: string; cursor_end: number; error: string | null }[]>`
    select status, cursor_end, error from public.sync_log where id = ${runId}`;
  if (log.status !== status) problems.push(`sync_log says ${log.status}, reply ${status}`);
  if (Number(log.cursor_end) !== Number(cursor)) problems.push(`cursor_end ${log.cursor_end}`);
  if (status === "failed" && !log.error) problems.push("a failed run without a reason");
  // Another run held the entity (e.g. the import's last hand-over): nothing else to check.
  if (status === "skipped") return problems.map((p) => `${entity} run ${runId} (skipped): ${p}`);
  const [state] = await sql<{ cursor: number }[]>`
    select cursor from public.sync_state where entity = ${entity}`;
  if (Number(state.cursor) !== Number(cursor)) problems.push(`sync_state.cursor ${state.cursor}`);
  const source: { id: string; version: number }[] =
    (await (await fetch(`${simulator.controlUrl}/dump?entity=${entity}`)).json()).data;
  const rows = await sql.unsafe<{ id: string; version: number }[]>(
    `select id::text, version from public.${getEntity(entity).table}`,
  );
  const stored = new Map(rows.map((r) => [r.id, Number(r.version)]));
  for (const record of source) {
    const version = Number(record.version);
    const have = stored.get(String(record.id).toLowerCase());
    if (version <= Number(cursor) && have !== version) {
      problems.push(`${record.id} v${version} is behind the cursor but stored as v${have}`);
    }
  }
  for (const [id, version] of stored) {
    if (version > Number(cursor)) problems.push(`${id} v${version} is ahead of the cursor`);
  }
  if (status === "completed") {
    const end = source.reduce((m, r) => Math.max(m, Number(r.version)), 0);
    if (Number(cursor) !== end) problems.push(`completed at ${cursor}, source ends at ${end}`);
  }
  return problems.map((p) => `${entity} run ${runId} (${status}): ${p}`);
}

/**
 * Requests the budget counts against its limit now, as sync_private.claim_request_slot does: a
 * slot counts while its request is in flight and for one window after its release.
 */
async function budgetInWindow(sql: Sql, windowMs: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from sync_private.request_log
    where released_at is null
      or released_at > clock_timestamp() - make_interval(secs => ${windowMs} / 1000.0)`;
  return row.n;
}

export const stormScenario: Deno.TestDefinition = {
  name: "chaos 3: API storms end every run with a truthful status and no rate-limit violation",
  async fn() {
    const sql = await connectChaosDatabase();
    const simulator = await startSim({
      seed: 83,
      // The demo catalog with 600 sales: ~900 records, each its own page.
      scale: { sales: 600 },
      outlets: 1,
      registers: 1,
      timeScale: TIME_SCALE,
      latency: { baseMs: 10, perRecordMs: 0 },
    });
    let fx: Functions | null = null;
    const lines: string[] = [];
    const problems: string[] = [];
    let injected = 0;
    try {
      await resetSyncData(sql);
      await sql`delete from sync_private.request_log`;
      await sql`delete from sync_private.request_budget`;
      const { rateLimit } = await simulator.control("/summary");
      const allowed = Math.floor(rateLimit.limit * RATE_SAFETY);
      const env = functionsEnv(simulator, chaosDatabaseUrl, TIME_SCALE, {
        SYNC_TIME_BUDGET_MS: "5000",
        LIGHTSPEED_PAGE_SIZE: String(PAGE_SIZE),
        LIGHTSPEED_REGISTER_COUNT: "1",
        LIGHTSPEED_RATE_SAFETY: String(RATE_SAFETY),
        SYNC_CONCURRENCY: "3",
      });
      assert.equal(Number(env.LIGHTSPEED_RATE_WINDOW_MS), rateLimit.windowMs, "same window");
      fx = await startFunctions(env, { port: freePort() });
      const alive = () =>
        assert.ok(!fx!.exited(), `the functions process died:\n${fx!.output().slice(-1200)}`);

      // The import under a storm on every entity at once; it hands itself over until done.
      await simulator.control("/faults", {
        faults: [
          { type: "status", status: 429, count: 6, retryAfterSeconds: 1, path: "/sales" },
          { type: "status", status: 503, count: 3, path: "/customers" },
          { type: "reset", count: 2, skip: 1, path: "/products" },
          { type: "truncate", count: 2, skip: 2, path: "/inventory" },
          { type: "slow", ms: 2000, count: 2, path: "/sales" },
        ],
      });
      const importStarted = performance.now();
      const started = await call(fx.url, "import-history", {});
      assert.equal(started.status, 202, started.text);
      let fullestWindow = 0;
      await waitFor(
        "the import under a storm",
        async () => {
          alive();
          fullestWindow = Math.max(fullestWindow, await budgetInWindow(sql, rateLimit.windowMs));
          const states = await sql<{ import_status: string }[]>`
        select import_status from public.sync_state where entity = any(${[...entityNames]})`;
          const failed = states.filter((s) => s.import_status === "failed");
          assert.equal(
            failed.length,
            0,
            "a storm of retryable errors never fails an import for good",
          );
          return states.length === entityNames.length &&
            states.every((s) => s.import_status === "completed");
        },
        120_000,
        100,
      );
      const importSeconds = (performance.now() - importStarted) / 1000;
      const maxVersions = await sourceMaxVersions(simulator, entityNames);
      problems.push(...await falseCompletions(sql, maxVersions));
      assert.deepEqual(await compare(sql, simulator, entityNames, "storm import"), []);
      let stats = await simulator.control("/stats");
      assert.equal(stats.violations, 0, "rate-limit violations during the import");
      // The limit bound: more requests than two windows allow, so the import had to wait for
      // its budget to refill (the claims in any window never exceed the budget) ...
      assert.ok(
        stats.requests > 2 * rateLimit.limit,
        `the import sent ${stats.requests} requests, the limit is ${rateLimit.limit} a window`,
      );
      assert.ok(
        fullestWindow >= allowed - 5 && fullestWindow <= allowed,
        `the budget filled up to ${fullestWindow} of ${allowed} requests in a window`,
      );
      // ... which takes time: R requests at most `allowed` per window need this many windows.
      const windowsNeeded = Math.ceil(stats.requests / allowed) - 1;
      assert.ok(
        importSeconds * 1000 >= windowsNeeded * rateLimit.windowMs,
        `${stats.requests} requests in ${importSeconds.toFixed(1)} s: faster than the budget`,
      );
      injected += await countInjected(simulator);
      const [importRuns] = await sql<{ statuses: string; requests: number }[]>`
      select string_agg(status || ':' || n, ' ') as statuses, sum(requests)::int as requests
      from (
        select status, count(*) as n, sum(requests) as requests from public.sync_log
        where trigger = 'import' group by status order by status) as x`;
      lines.push(
        `import under a storm on 4 entities: ${stats.requests} requests (sync_log counts ` +
          `${importRuns.requests}) in ${importSeconds.toFixed(1)} s against ${allowed} per ` +
          `${rateLimit.windowMs / 1000} s window (fullest window ${fullestWindow}), runs ` +
          `${importRuns.statuses}`,
      );
      await simulator.control("/stats/reset", {});

      for (const storm of storms) {
        await simulator.control("/mutate", {
          seed: storms.indexOf(storm) + 1,
          customerEdits: 15,
          productEdits: 15,
          newSales: 40,
          stockMovements: 30,
        });
        await simulator.control("/faults", { faults: storm.faults });
        const statuses: string[] = [];
        for (let run = 0;; run++) {
          // Pages of one record under a 5 s time budget: a storm of 1 s 429 pauses takes runs.
          assert.ok(run < 20, `${storm.name}: still not completed after ${run} runs`);
          const reply = await call(fx.url, "sync-entity", { entity: storm.entity }).catch(
            (error) => {
              alive();
              throw error;
            },
          );
          problems.push(...await checkTruthful(sql, simulator, storm.entity, reply));
          statuses.push(reply.body.status);
          if (reply.body.status === "skipped") await sleep(500);
          if (reply.body.status === "completed") break;
        }
        stats = await simulator.control("/stats");
        assert.equal(stats.violations, 0, `rate-limit violations during ${storm.name}`);
        const count = await countInjected(simulator);
        injected += count;
        await simulator.control("/stats/reset", {});
        assert.deepEqual(await compare(sql, simulator, [storm.entity], storm.name), []);
        lines.push(`${storm.name} on ${storm.entity}: ${count} faults, runs ${statuses.join(" ")}`);
      }
      assert.deepEqual(problems, []);
      alive();
      assert.deepEqual(await secretsInDatabase(sql, secrets), []);
      console.log(`chaos 3 (API storms): ${injected} faults injected\n  ${lines.join("\n  ")}`);
      tally.scenarios.push(
        `API storms (${storms.length + 1} storms, ${injected} faults, rate limit binding)`,
      );
    } finally {
      if (fx) await fx.stop();
      await simulator.stop();
      await resetSyncData(sql).catch(() => {});
      await sql.end({ timeout: 5 });
    }
  },
};
