// Crash-resume: the functions' process is killed (SIGKILL) while page N+1 is in flight, for
// every N of a multi-page sync; a fresh process resumes from the checkpoint and the database
// ends equal to the source, with the cursor never past a committed page.
import assert from "node:assert/strict";
import { startSimulator } from "../../../simulator/mod.ts";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import {
  connectTestDatabase,
  resetSyncData,
  testDatabaseUrl,
} from "../../../dev/testing/database.ts";
import { startFunctionsProcess } from "../../../dev/testing/functions_process.ts";
import { testSyncSecret } from "../../../dev/testing/sync_stack.ts";

const PAGE_SIZE = 60;

async function post(url: string, body: unknown) {
  const reply = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sync-secret": testSyncSecret },
    body: JSON.stringify(body),
  });
  return { status: reply.status, body: await reply.json() };
}

type Sql = Awaited<ReturnType<typeof connectTestDatabase>>;
type Simulator = Awaited<ReturnType<typeof startSimulator>>;

interface CrashStage {
  sql: Sql;
  simulator: Simulator;
  env: Record<string, string>;
  /** Calls the simulator's control API and returns its JSON reply. */
  // deno-lint-ignore no-explicit-any
  control: (path: string, body?: unknown, method?: string) => Promise<any>;
}

async function waitFor(what: string, since: number, done: () => Promise<boolean>) {
  while (!(await done())) {
    if (Date.now() - since > 20_000) throw new Error(what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a sync of sales and SIGKILLs its process once `committedPages` have committed. */
async function crashAfter(stage: CrashStage, committedPages: number): Promise<void> {
  const { sql, control, env } = stage;
  await resetSyncData(sql);
  await control("/stats/reset");
  // Page committedPages + 1 never answers; the process dies waiting for it.
  await control("/faults", {
    faults: [{ type: "slow", ms: 600_000, count: 1, path: "/sales", skip: committedPages }],
  });
  const doomed = await startFunctionsProcess(env);
  // Its reply is the error of a connection cut by the kill (checked below).
  const inFlight = post(`${doomed.url}/functions/v1/sync-entity`, { entity: "sales" }).catch(
    (error: unknown) => error,
  );
  const started = Date.now();
  const salesRequests = async () =>
    (await control("/stats", undefined, "GET")).byPath["/sales"]?.requests ?? 0;
  await waitFor(
    "the sync never reached the crash point",
    started,
    async () => await salesRequests() > committedPages,
  );
  // Page N+1 is requested while page N commits (fetching runs ahead); let that commit
  // finish, then kill the process with page N+1 in flight.
  await waitFor(
    "page N never committed",
    started,
    async () =>
      (await sql`select count(*)::int as n from public.lightspeed_sales`)[0].n >=
        committedPages * PAGE_SIZE,
  );
  await doomed.kill();
  const outcome = await inFlight;
  assert.ok(
    outcome instanceof Error,
    `the request outlived its process: ${JSON.stringify(outcome)}`,
  );
}

/** A fresh process resumes once the dead run's lease has expired, and finishes the rest. */
async function resume(stage: CrashStage, remainingPages: number): Promise<void> {
  await stage.control("/faults", undefined, "DELETE");
  const fresh = await startFunctionsProcess(stage.env);
  try {
    // The dead run's lease still holds until it expires; then anyone may resume.
    const early = await post(`${fresh.url}/functions/v1/sync-entity`, { entity: "sales" });
    assert.equal(early.body.status, "skipped");
    await stage.sql`update public.sync_state set lease_expires_at = now() - interval '1 second'
      where entity = 'sales'`;
    const resumed = await post(`${fresh.url}/functions/v1/sync-entity`, { entity: "sales" });
    assert.equal(resumed.body.status, "completed", JSON.stringify(resumed.body));
    assert.equal(resumed.body.pages, remainingPages);
  } finally {
    await fresh.stop();
  }
}

Deno.test("sync-entity resumes after a SIGKILL at every page of a multi-page sync", async () => {
  const sql = await connectTestDatabase();
  const simulator = await startSimulator({ port: 0, seed: 21, scale: "demo" });
  const stage: CrashStage = {
    sql,
    simulator,
    env: {
      LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
      LIGHTSPEED_TOKEN: simulator.token,
      SYNC_SECRET: testSyncSecret,
      SUPABASE_DB_URL: testDatabaseUrl,
      LIGHTSPEED_PAGE_SIZE: String(PAGE_SIZE),
      LIGHTSPEED_REGISTER_COUNT: "9",
    },
    control: (path, body, method = "POST") =>
      fetch(`${simulator.controlUrl}${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((r) => r.json()),
  };
  try {
    const { entities } = await stage.control("/summary", undefined, "GET");
    const pages = Math.ceil(entities.sales.records / PAGE_SIZE);
    assert.ok(pages >= 4, `only ${pages} pages`);
    let crashes = 0;
    for (let committedPages = 1; committedPages < pages; committedPages++) {
      await crashAfter(stage, committedPages);
      crashes++;
      const [state] = await sql`select cursor from public.sync_state where entity = 'sales'`;
      const [stored] = await sql`
        select count(*)::int as n, coalesce(max(version), 0) as max from public.lightspeed_sales`;
      assert.equal(stored.n, committedPages * PAGE_SIZE, `after ${committedPages} pages`);
      assert.equal(state.cursor, stored.max, "the cursor is exactly the last committed page's max");

      await resume(stage, pages - committedPages);
      const comparison = await compareWithSource(sql, simulator.controlUrl, ["sales"]);
      assert.deepEqual(comparison.mismatches, []);
      const [log] = await sql`
        select status, error from public.sync_log
        where entity = 'sales' and status <> 'skipped' order by id limit 1`;
      assert.equal(
        log.status,
        "failed",
        "the killed run is recorded as failed, never as a success",
      );
      assert.match(log.error, /stopped before finishing/);
    }
    assert.equal(crashes, pages - 1);
  } finally {
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
});
