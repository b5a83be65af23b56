// How many server connections the functions hold while many invocations run at once (README
// "Database connections"): through a transaction pooler never more than its ceiling, directly
// never more than isolates (one per function and process) × SYNC_DATABASE_POOL_SIZE; and the
// smallest pool (one connection, behind a pooler with one server connection) still finishes a
// concurrent import. Every run
// still lands the store exactly; pg_stat_activity is sampled on the server all along.
import assert from "node:assert/strict";
import { startSimulator } from "../../../simulator/mod.ts";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import {
  connectTestDatabase,
  resetSyncData,
  testDatabaseUrl,
} from "../../../dev/testing/database.ts";
import {
  freePort,
  type FunctionsProcess,
  startFunctionsProcess,
} from "../../../dev/testing/functions_process.ts";
import { testSyncSecret } from "../../../dev/testing/sync_stack.ts";
import {
  type PoolerInstance,
  poolerInstanceNamed,
  poolerUrl,
  removePooler,
  startPooler,
} from "../../../dev/db/pooler.ts";
import type { Sql } from "./database.ts";
import { type EntityName, entityNames } from "./entities/registry.ts";

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

/** A URL whose connections carry `tag` as application_name, so the server can count them. */
function tagged(url: string, tag: string): string {
  const tagged = new URL(url);
  tagged.searchParams.set("application_name", tag);
  return tagged.href;
}

/** Counts the server's connections named `tag` every 10 ms until stopped; returns the most. */
function sampleConnections(sql: Sql, tag: string): { stop(): Promise<number> } {
  let sampling = true;
  let most = 0;
  const sampler = (async () => {
    while (sampling) {
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where application_name = ${tag}`;
      most = Math.max(most, n);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await sampler;
      return most;
    },
  };
}

function functionsEnv(simulator: Simulator, extra: Record<string, string>) {
  return {
    LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
    LIGHTSPEED_TOKEN: simulator.token,
    SYNC_SECRET: testSyncSecret,
    SUPABASE_DB_URL: testDatabaseUrl,
    // Many small pages: many transactions, each wanting a connection.
    LIGHTSPEED_PAGE_SIZE: "20",
    LIGHTSPEED_REGISTER_COUNT: "9",
    SYNC_TIME_BUDGET_MS: "30000",
    ...extra,
  };
}

async function post(process: FunctionsProcess, name: string, body: unknown) {
  const reply = await fetch(`${process.url}/functions/v1/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sync-secret": testSyncSecret },
    body: JSON.stringify(body),
    // A deadlocked pool would never answer: fail instead of waiting forever.
    signal: AbortSignal.timeout(60_000),
  });
  return { status: reply.status, body: await reply.json() };
}

/** Every process syncs every entity at once; each entity must be completed by one of them. */
async function syncEverythingEverywhere(processes: FunctionsProcess[]): Promise<void> {
  const calls = processes.flatMap((process) =>
    entityNames.map((entity) => post(process, "sync-entity", { entity }))
  );
  const replies = await Promise.all(calls);
  for (const reply of replies) {
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.ok(["completed", "skipped"].includes(reply.body.status), JSON.stringify(reply.body));
  }
  for (const entity of entityNames) {
    const completed = replies.filter((r) =>
      r.body.entity === entity && r.body.status === "completed"
    );
    assert.ok(completed.length >= 1, `no run of ${entity} completed`);
  }
}

interface Stage {
  sql: Sql;
  simulator: Simulator;
}

/** A fresh install and store, `count` functions processes, and the server sampled meanwhile. */
async function underLoad(
  count: number,
  env: (simulator: Simulator) => Record<string, string>,
  tag: string,
  work: (processes: FunctionsProcess[], stage: Stage) => Promise<void>,
): Promise<number> {
  const sql = await connectTestDatabase({ max: 2 });
  const simulator = await startSimulator({ port: 0, seed: 41, scale: "demo" });
  const processes: FunctionsProcess[] = [];
  try {
    await resetSyncData(sql);
    for (let i = 0; i < count; i++) processes.push(await startFunctionsProcess(env(simulator)));
    const sampler = sampleConnections(sql, tag);
    try {
      await work(processes, { sql, simulator });
    } catch (error) {
      await sampler.stop();
      throw error;
    }
    const most = await sampler.stop();
    const comparison = await compareWithSource(sql, simulator.controlUrl, entityNames);
    assert.deepEqual(comparison.mismatches, []);
    return most;
  } finally {
    // Killed, not stopped: a stop waits for background work, which a deadlock never ends.
    await Promise.all(processes.map((process) => process.kill()));
    await simulator.stop();
    await sql.end({ timeout: 5 });
  }
}

/** A pooler of the test's own in front of the test database, removed afterwards. */
async function withPooler<T>(
  maxServerConnections: number,
  fn: (instance: PoolerInstance) => Promise<T>,
): Promise<T> {
  const server = new URL(testDatabaseUrl);
  const instance = poolerInstanceNamed("pgbouncer-ceiling", freePort(), {
    poolSize: maxServerConnections,
    maxServerConnections,
    server: { host: server.hostname, port: Number(server.port) },
    password: decodeURIComponent(server.password),
  });
  try {
    await startPooler(instance);
    return await fn(instance);
  } finally {
    await removePooler(instance);
  }
}

function uniqueTag(name: string): string {
  return `${name}-${crypto.randomUUID().slice(0, 8)}`;
}

Deno.test("through a pooler, 18 concurrent invocations in 3 instances hold at most its 2 server connections", async () => {
  const tag = uniqueTag("ceiling-pooled");
  const most = await withPooler(2, (pooler) =>
    underLoad(
      3,
      (simulator) =>
        functionsEnv(simulator, {
          SYNC_DATABASE_URL: tagged(poolerUrl(pooler), tag),
          SYNC_DATABASE_POOL_SIZE: "4",
        }),
      tag,
      (processes) => syncEverythingEverywhere(processes),
    ));
  // 3 instances × 4 would have been 12 directly; the pooler let through no more than 2.
  assert.equal(most, 2, `the server saw at most ${most} of the functions' connections`);
});

Deno.test("directly, 18 concurrent invocations in 3 instances hold at most isolates × SYNC_DATABASE_POOL_SIZE", async () => {
  const tag = uniqueTag("ceiling-direct");
  const most = await underLoad(
    3,
    (simulator) =>
      functionsEnv(simulator, {
        SUPABASE_DB_URL: tagged(testDatabaseUrl, tag),
        SYNC_DATABASE_POOL_SIZE: "2",
      }),
    tag,
    (processes) => syncEverythingEverywhere(processes),
  );
  // Each function runs in its own isolate with its own pool, as on the platform: per process the
  // readiness probe's health worker and the sync-entity worker, so 3 × 2 isolates × 2.
  const isolates = 3 * 2;
  assert.ok(most <= isolates * 2, `${most} connections from ${isolates} isolates with pools of 2`);
  // More than a pooler of 2 allows: without one, the count grows with the instances.
  assert.ok(most > 2, `only ${most} connections: the load did not need more than a pooler's 2`);
});

Deno.test("the smallest pool cannot deadlock: a 10-entity-wide import on 1 connection behind 1 server connection", async () => {
  const tag = uniqueTag("ceiling-smallest");
  const most = await withPooler(1, (pooler) =>
    underLoad(
      1,
      (simulator) =>
        functionsEnv(simulator, {
          SYNC_DATABASE_URL: tagged(poolerUrl(pooler), tag),
          SYNC_DATABASE_POOL_SIZE: "1",
          SYNC_CONCURRENCY: "10",
        }),
      tag,
      async ([process], { sql }) => {
        const reply = await post(process, "import-history", {});
        assert.equal(reply.status, 202, JSON.stringify(reply.body));
        await waitForImport(sql, 90_000);
      },
    ));
  assert.equal(most, 1);
});

async function waitForImport(sql: Sql, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const states = await sql<{ import_status: string | null }[]>`
      select import_status from public.sync_state
      where entity = any(${entityNames as unknown as EntityName[]})`;
    if (
      states.length === entityNames.length && states.every((s) => s.import_status === "completed")
    ) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The import did not complete within ${timeoutMs} ms`);
}
