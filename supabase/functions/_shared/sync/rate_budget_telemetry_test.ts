// Rate-limit telemetry against the simulator and the shared PostgreSQL: each run records the
// allowance it paced to and, where the store's replies carry them, Lightspeed's X-RateLimit
// figures (null where they do not); sync_rate_budget sums the runs per 5-minute window.
import assert from "node:assert/strict";
import { startSimulator } from "../../../../simulator/mod.ts";
import { connectTestDatabase, resetSyncData } from "../../../../dev/testing/database.ts";
import { inProcessSync } from "../../../../dev/testing/in_process_sync.ts";
import type { Sql } from "../database.ts";

/** The simulator's replies with Lightspeed-style rate-limit headers (undocumented by it). */
function withRateLimitHeaders(remaining: () => number): typeof fetch {
  return async (input, init) => {
    const reply = await fetch(input, init);
    const headers = new Headers(reply.headers);
    headers.set("X-RateLimit-Limit", "950");
    headers.set("X-RateLimit-Remaining", String(remaining()));
    return new Response(reply.body, { status: reply.status, headers });
  };
}

/** sync_history shows every sync_log column, the telemetry too. */
async function assertHistoryShowsTelemetry(
  sql: Sql,
  runs: readonly Record<string, unknown>[],
): Promise<void> {
  const history = await sql`
    select budget_allowed, rate_limit_limit, rate_limit_remaining from public.sync_history
    order by id`;
  assert.deepEqual(
    history.map((r) => ({ ...r })),
    runs.map(({ budget_allowed, rate_limit_limit, rate_limit_remaining }) => ({
      budget_allowed,
      rate_limit_limit,
      rate_limit_remaining,
    })),
    "sync_history shows every sync_log column, the telemetry too",
  );
}

Deno.test("each run records its budget allowance and Lightspeed's remaining budget where given", async () => {
  const sql = await connectTestDatabase();
  const simulator = await startSimulator({ port: 0, seed: 71, scale: "demo" });
  try {
    await resetSyncData(sql);
    let remaining = 900;
    const withHeaders = inProcessSync(sql, simulator, {
      fetch: withRateLimitHeaders(() => remaining--),
    });
    const withoutHeaders = inProcessSync(sql, simulator);
    assert.equal((await withHeaders("outlets")).status, "completed");
    assert.equal((await withoutHeaders("registers")).status, "completed");

    const runs = await sql`
      select entity, requests, budget_allowed, rate_limit_limit, rate_limit_remaining
      from public.sync_log order by id`;
    assert.deepEqual(runs.map((r) => ({ ...r })), [
      {
        entity: "outlets",
        requests: 900 - remaining,
        budget_allowed: 855,
        rate_limit_limit: 950,
        rate_limit_remaining: remaining + 1,
      },
      {
        entity: "registers",
        requests: runs[1].requests,
        budget_allowed: 855,
        rate_limit_limit: null,
        rate_limit_remaining: null,
      },
    ]);
    assert.ok(runs[1].requests >= 1);
    await assertHistoryShowsTelemetry(sql, runs);

    const [window] = await sql`
      select runs, requests, budget_allowed, lightspeed_limit, lightspeed_remaining
      from public.sync_rate_budget`;
    assert.deepEqual({ ...window }, {
      runs: 2,
      requests: runs[0].requests + runs[1].requests,
      budget_allowed: 855,
      lightspeed_limit: 950,
      lightspeed_remaining: remaining + 1,
    });
  } finally {
    await resetSyncData(sql).catch(() => {});
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
});
