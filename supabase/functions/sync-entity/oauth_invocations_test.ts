// sync-entity in oauth mode over real HTTP, in the functions' own process (README § OAuth): 20
// concurrent runs across an access token's refresh point share exactly one refresh; a process
// killed around a refresh (before Lightspeed granted it, after it rotated but before the store,
// after the store) leaves either a working token or a truthful "reconnect needed", never a loop
// of token requests.
import assert from "node:assert/strict";
import { startSimulator } from "../../../simulator/mod.ts";
import type { RunningSimulator } from "../../../simulator/mod.ts";
import {
  connectTestDatabase,
  resetSyncData,
  testDatabaseUrl,
} from "../../../dev/testing/database.ts";
import {
  type FunctionsProcess,
  startFunctionsProcess,
} from "../../../dev/testing/functions_process.ts";
import {
  connectThroughSimulator,
  forgetOAuthConnection,
  testOAuthApp,
} from "../../../dev/testing/oauth_connection.ts";
import { oauthEnv, testSyncSecret } from "../../../dev/testing/sync_stack.ts";
import type { Sql } from "../_shared/database.ts";
import { entityNames } from "../_shared/entities/registry.ts";
import { ABANDONED_RUN_ERROR } from "../_shared/sync/run_log.ts";

interface OAuthStage {
  sql: Sql;
  simulator: RunningSimulator;
  env: Record<string, string>;
}

// Replies are read field by field.
// deno-lint-ignore no-explicit-any
type JsonReply = any;

async function withOAuthStage(
  accessTokenSeconds: number,
  test: (stage: OAuthStage) => Promise<void>,
) {
  const sql = await connectTestDatabase();
  await resetSyncData(sql);
  await forgetOAuthConnection(sql);
  const simulator = await startSimulator({
    port: 0,
    seed: 5,
    scale: "small",
    oauth: { ...testOAuthApp, accessTokenSeconds },
  });
  const env = {
    ...oauthEnv(simulator),
    LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
    SYNC_SECRET: testSyncSecret,
    SUPABASE_DB_URL: testDatabaseUrl,
    LIGHTSPEED_REGISTER_COUNT: "9",
    SYNC_TIME_BUDGET_MS: "30000",
  };
  try {
    await test({ sql, simulator, env });
  } finally {
    await forgetOAuthConnection(sql).catch(() => {});
    await resetSyncData(sql).catch(() => {});
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
}

async function call(
  functions: FunctionsProcess,
  name: string,
  body?: unknown,
): Promise<{ status: number; body: JsonReply }> {
  const reply = await fetch(`${functions.url}/functions/v1/${name}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", "x-sync-secret": testSyncSecret },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: reply.status, body: await reply.json() };
}

async function control(simulator: RunningSimulator, path: string, body?: unknown) {
  const reply = await fetch(`${simulator.controlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(reply.ok, `simulator control ${path}: ${reply.status}`);
  return await reply.json();
}

/** Every 401 the simulator's API answered, whatever the path. */
async function unauthorizedReplies(simulator: RunningSimulator): Promise<number> {
  const stats = await control(simulator, "/stats");
  return Object.values(stats.byPath as Record<string, { statuses: Record<string, number> }>)
    .reduce((sum, path) => sum + (path.statuses["401"] ?? 0), 0);
}

async function connection(sql: Sql) {
  const [row] = await sql<{ status: string; generation: string; refreshed_at: Date | null }[]>`
    select status, generation, refreshed_at from sync_private.lightspeed_oauth`;
  return { status: row.status, generation: Number(row.generation), refreshedAt: row.refreshed_at };
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>) {
  const until = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const authTrouble = /401|unauthori[sz]ed|token|reconnect|oauth/i;

Deno.test("oauth: 20 concurrent sync-entity runs across the token's refresh point refresh it once", async () => {
  // A 16 s token is refreshed from 8 s on; every run's first request stalls past that point.
  await withOAuthStage(16, async ({ sql, simulator, env }) => {
    const functions = await startFunctionsProcess(env);
    try {
      const oauth = simulator.oauth!;
      await control(simulator, "/faults", {
        faults: [{ type: "slow", ms: 9_000, count: entityNames.length }],
      });
      const generation = await connectThroughSimulator(sql, simulator);
      const tokenRequestsBefore = oauth.stats.tokenRequests;
      const entities = [...entityNames, ...entityNames].slice(0, 20);
      const replies = await Promise.all(
        entities.map((entity) => call(functions, "sync-entity", { entity })),
      );

      assert.equal(oauth.stats.tokenRequests - tokenRequestsBefore, 1, "exactly one refresh");
      assert.equal(oauth.stats.refused, 0);
      assert.equal(await unauthorizedReplies(simulator), 0, "no request met a 401");
      for (const [i, reply] of replies.entries()) {
        const text = JSON.stringify(reply.body);
        assert.equal(reply.status, 200, `${entities[i]}: ${text}`);
        assert.ok(["completed", "skipped"].includes(reply.body.status), `${entities[i]}: ${text}`);
        assert.doesNotMatch(reply.body.error ?? "", authTrouble);
      }
      const runs = await sql<{ entity: string; status: string; error: string | null }[]>`
        select entity, status, error from public.sync_log`;
      assert.ok(runs.length >= entityNames.length, `runs logged: ${runs.length}`);
      for (const run of runs) {
        assert.ok(["completed", "skipped"].includes(run.status), JSON.stringify(run));
        assert.doesNotMatch(run.error ?? "", authTrouble);
      }
      const after = await connection(sql);
      assert.equal(after.status, "connected");
      assert.equal(after.generation, generation + 1);
      // The runs really straddled the refresh: started before it, finished after it.
      const [straddling] = await sql<{ n: number }[]>`
        select count(*)::int as n from public.sync_log
        where status = 'completed' and started_at < ${after.refreshedAt}
          and finished_at > ${after.refreshedAt}`;
      assert.ok(straddling.n >= 10, `runs across the refresh: ${straddling.n}`);
    } finally {
      await functions.stop();
    }
  });
});

/** The stored token reaches its refresh point (half of a 20 s lifetime), the simulator's copy still valid. */
async function dueForRefresh(sql: Sql) {
  await sql`update sync_private.lightspeed_oauth
    set access_expires_at = now() + interval '5 seconds'`;
}

/** What a dead process leaves behind runs out: its refresh claim and its run's lease. */
async function expireDeadLeases(sql: Sql) {
  await sql`update sync_private.lightspeed_oauth set refresh_lease_until = now() - interval '1 second'
    where refresh_owner is not null`;
  await sql`update public.sync_state set lease_expires_at = now() - interval '1 second'`;
}

/** Starts a run in a process and SIGKILLs the process once `killPoint` is reached. */
async function killDuringRun(env: Record<string, string>, killPoint: () => Promise<boolean>) {
  const doomed = await startFunctionsProcess(env);
  const inFlight = call(doomed, "sync-entity", { entity: "outlets" }).catch((e: unknown) => e);
  await waitFor("the kill point", killPoint);
  await doomed.kill();
  assert.ok((await inFlight) instanceof Error, "the run died with its process");
}

Deno.test("oauth: killed after Lightspeed rotated but before the store, runs say 'reconnect needed' and stop asking", async () => {
  await withOAuthStage(20, async ({ sql, simulator, env }) => {
    const oauth = simulator.oauth!;
    await connectThroughSimulator(sql, simulator);
    await dueForRefresh(sql);
    // The new pair is issued (the old refresh token revoked) but its reply comes too late.
    oauth.queueTokenFaults({ type: "slow", ms: 6_000 });
    const lateReplySent = Date.now() + 6_500;
    await killDuringRun(env, () => Promise.resolve(oauth.stats.refreshes === 1));
    await expireDeadLeases(sql);

    const fresh = await startFunctionsProcess(env);
    try {
      const first = await call(fresh, "sync-entity", { entity: "outlets" });
      assert.equal(first.body.status, "failed", JSON.stringify(first.body));
      assert.match(first.body.error, /needs reconnecting: an earlier refresh was cut off/);
      // One try of the spent refresh token after the killed one, then never again.
      assert.equal(oauth.stats.tokenRequests, 3, "code exchange, killed refresh, one retry");
      const later = await Promise.all(
        ["outlets", "customers", "products"].map((entity) =>
          call(fresh, "sync-entity", { entity })
        ),
      );
      for (const run of later) {
        assert.equal(run.body.status, "failed", JSON.stringify(run.body));
        assert.match(run.body.error, /needs reconnecting/);
      }
      assert.equal(oauth.stats.tokenRequests, 3, "no token request once reconnect is needed");
      assert.equal(await unauthorizedReplies(simulator), 0, "no loop of 401s");
      const health = await call(fresh, "health");
      assert.equal(health.status, 503);
      assert.match(health.body.reason, /needs reconnecting/);
      assert.equal(health.body.lightspeed_auth.status, "reconnect_needed");
      assert.match(health.body.lightspeed_auth.problem, /cut off/);
      // The killed run is closed as abandoned; every run after it names the reconnect.
      const logged = await sql<{ error: string }[]>`
        select error from public.sync_log where status = 'failed' order by id`;
      assert.equal(logged.length, 5);
      assert.equal(logged[0].error, ABANDONED_RUN_ERROR);
      for (const run of logged.slice(1)) assert.match(run.error, /needs reconnecting/);
      // The simulator's late reply to the dead process has gone out (no timer left running).
      await waitFor("the late token reply", () => Date.now() > lateReplySent);
    } finally {
      await fresh.stop();
    }
  });
});

Deno.test("oauth: killed after the refreshed pair was stored, the next process syncs with it", async () => {
  await withOAuthStage(20, async ({ sql, simulator, env }) => {
    const oauth = simulator.oauth!;
    const generation = await connectThroughSimulator(sql, simulator);
    await dueForRefresh(sql);
    // The run hangs on its first page, after refreshing.
    await control(simulator, "/faults", {
      faults: [{ type: "slow", ms: 60_000, count: 1, path: "/outlets" }],
    });
    await killDuringRun(
      env,
      async () => (await connection(sql)).generation === generation + 1,
    );
    await expireDeadLeases(sql);
    await fetch(`${simulator.controlUrl}/faults`, { method: "DELETE" }).then((r) =>
      r.body?.cancel()
    );

    const fresh = await startFunctionsProcess(env);
    try {
      const run = await call(fresh, "sync-entity", { entity: "outlets" });
      assert.equal(run.body.status, "completed", JSON.stringify(run.body));
      assert.equal(oauth.stats.tokenRequests, 2, "code exchange and the one refresh");
      assert.deepEqual(
        await connection(sql).then(({ status, generation }) => ({ status, generation })),
        {
          status: "connected",
          generation: generation + 1,
        },
      );
      assert.equal((await call(fresh, "health")).body.lightspeed_auth.status, "connected");
    } finally {
      await fresh.stop();
    }
  });
});

Deno.test("oauth: killed while the refresh was in flight but not yet granted, the next process refreshes with the same token", async () => {
  await withOAuthStage(20, async ({ sql, simulator, env }) => {
    const oauth = simulator.oauth!;
    const generation = await connectThroughSimulator(sql, simulator);
    await dueForRefresh(sql);
    // The request hangs and Lightspeed never grants it: the refresh token stays valid.
    oauth.queueTokenFaults({ type: "status", status: 503, ms: 6_000 });
    const lateReplySent = Date.now() + 6_500;
    await killDuringRun(env, () => Promise.resolve(oauth.stats.tokenRequests === 2));
    await expireDeadLeases(sql);

    const fresh = await startFunctionsProcess(env);
    try {
      const run = await call(fresh, "sync-entity", { entity: "outlets" });
      assert.equal(run.body.status, "completed", JSON.stringify(run.body));
      assert.equal(oauth.stats.tokenRequests, 3, "code exchange, killed refresh, one refresh");
      assert.equal(oauth.stats.refused, 0);
      const after = await connection(sql);
      assert.deepEqual({ status: after.status, generation: after.generation }, {
        status: "connected",
        generation: generation + 1,
      });
      await waitFor("the late token reply", () => Date.now() > lateReplySent);
    } finally {
      await fresh.stop();
    }
  });
});
