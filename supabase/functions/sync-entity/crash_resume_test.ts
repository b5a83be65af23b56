// Crash-resume: the functions' process is killed (SIGKILL) while page N+1 is in flight, for
// every N of a multi-page sales sync, and after the first page of every other entity; a fresh
// process resumes from the checkpoint and the database ends equal to the source, with the cursor
// never past a committed page.
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
import {
  type EntityName,
  entityNames,
  getEntity,
  subResourceChildren,
} from "../_shared/entities/registry.ts";

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
  entity: EntityName;
  pageSize: number;
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

/** Starts a sync of the entity and SIGKILLs its process once `committedPages` have committed. */
async function crashAfter(stage: CrashStage, committedPages: number): Promise<void> {
  const { sql, control, env, entity } = stage;
  const { path, table } = getEntity(entity);
  await resetSyncData(sql);
  await control("/stats/reset");
  // Page committedPages + 1 never answers; the process dies waiting for it. The fault's path
  // also matches a sub-resource under it (consignment products), fetched before the next page
  // is asked for: one request per record of each committed page.
  const perPage = subResourceChildren(getEntity(entity)).length > 0 ? 1 + stage.pageSize : 1;
  await control("/faults", {
    faults: [{ type: "slow", ms: 600_000, count: 1, path, skip: committedPages * perPage }],
  });
  const doomed = await startFunctionsProcess(env);
  // Its reply is the error of a connection cut by the kill (checked below).
  const inFlight = post(`${doomed.url}/functions/v1/sync-entity`, { entity }).catch(
    (error: unknown) => error,
  );
  const started = Date.now();
  const entityRequests = async () =>
    (await control("/stats", undefined, "GET")).byPath[path]?.requests ?? 0;
  await waitFor(
    "the sync never reached the crash point",
    started,
    async () => await entityRequests() > committedPages,
  );
  // Page N+1 is requested while page N commits (fetching runs ahead); let that commit
  // finish, then kill the process with page N+1 in flight.
  await waitFor(
    "page N never committed",
    started,
    async () =>
      (await sql.unsafe(`select count(*)::int as n from public.${table}`))[0].n >=
        committedPages * stage.pageSize,
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
  const { entity } = stage;
  await stage.control("/faults", undefined, "DELETE");
  const fresh = await startFunctionsProcess(stage.env);
  try {
    // The dead run's lease still holds until it expires; then anyone may resume.
    const early = await post(`${fresh.url}/functions/v1/sync-entity`, { entity });
    assert.equal(early.body.status, "skipped");
    await stage.sql`update public.sync_state set lease_expires_at = now() - interval '1 second'
      where entity = ${entity}`;
    const resumed = await post(`${fresh.url}/functions/v1/sync-entity`, { entity });
    assert.equal(resumed.body.status, "completed", JSON.stringify(resumed.body));
    assert.equal(resumed.body.pages, remainingPages);
  } finally {
    await fresh.stop();
  }
}

/** Kills a sync after `committedPages` of `pages`, checks the checkpoint, then resumes it. */
async function crashAndResume(stage: CrashStage, committedPages: number, pages: number) {
  const { sql, entity, pageSize } = stage;
  const { table } = getEntity(entity);
  await crashAfter(stage, committedPages);
  const [state] = await sql`select cursor from public.sync_state where entity = ${entity}`;
  const [stored] = await sql.unsafe(
    `select count(*)::int as n, coalesce(max(version), 0) as max from public.${table}`,
  );
  assert.equal(stored.n, committedPages * pageSize, `${entity} after ${committedPages} pages`);
  assert.equal(state.cursor, stored.max, "the cursor is exactly the last committed page's max");

  await resume(stage, pages - committedPages);
  const comparison = await compareWithSource(sql, stage.simulator.controlUrl, [entity]);
  assert.deepEqual(comparison.mismatches, []);
  const [log] = await sql`
    select status, error from public.sync_log
    where entity = ${entity} and status <> 'skipped' order by id limit 1`;
  assert.equal(log.status, "failed", "the killed run is recorded as failed, never as a success");
  assert.match(log.error, /stopped before finishing/);
}

type StageFor = (entity: EntityName, pageSize: number) => CrashStage;

/** A demo store and the database; `run` makes a stage per entity and page size. */
async function withStore(run: (stageFor: StageFor) => Promise<void>) {
  const sql = await connectTestDatabase();
  const simulator = await startSimulator({ port: 0, seed: 21, scale: "demo" });
  const control: CrashStage["control"] = (path, body, method = "POST") =>
    fetch(`${simulator.controlUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json());
  const stageFor: StageFor = (entity, pageSize) => ({
    entity,
    pageSize,
    sql,
    simulator,
    env: {
      LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
      LIGHTSPEED_TOKEN: simulator.token,
      SYNC_SECRET: testSyncSecret,
      SUPABASE_DB_URL: testDatabaseUrl,
      LIGHTSPEED_PAGE_SIZE: String(pageSize),
      LIGHTSPEED_REGISTER_COUNT: "9",
    },
    control,
  });
  try {
    await run(stageFor);
  } finally {
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
}

async function storeRecords(stage: CrashStage): Promise<number> {
  const { entities } = await stage.control("/summary", undefined, "GET");
  return entities[stage.entity].records;
}

Deno.test("sync-entity resumes after a SIGKILL at every page of a multi-page sync", async () => {
  await withStore(async (stageFor) => {
    const stage = stageFor("sales", PAGE_SIZE);
    const pages = Math.ceil(await storeRecords(stage) / PAGE_SIZE);
    assert.ok(pages >= 4, `only ${pages} pages`);
    let crashes = 0;
    for (let committedPages = 1; committedPages < pages; committedPages++) {
      await crashAndResume(stage, committedPages, pages);
      crashes++;
    }
    assert.equal(crashes, pages - 1);
  });
});

Deno.test("every other entity resumes after a SIGKILL after its first page", async () => {
  await withStore(async (stageFor) => {
    const others = entityNames.filter((entity) => entity !== "sales");
    for (const entity of others) {
      // Three or four pages, whatever the entity's size.
      const records = await storeRecords(stageFor(entity, 1));
      assert.ok(records >= 3, `${entity}: only ${records} records`);
      const pageSize = Math.floor(records / 3);
      await crashAndResume(stageFor(entity, pageSize), 1, Math.ceil(records / pageSize));
    }
  });
});
