// sync-entity inside the local edge runtime's workers, with their wall clock shrunk to seconds
// and the simulator made slow: a worker the platform stops mid-run closes its run truthfully
// and gives its lease back, and a run late in a reused worker's life ends before the worker
// does (docs/interface.md § Worker wall clock).
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import type { WorkerEvent } from "../../../dev/edge_runtime/local_worker.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, found: () => WorkerEvent | undefined, ms = 5_000) {
  const until = Date.now() + ms;
  while (!found()) {
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await sleep(20);
  }
  return found()!;
}

function workerEvent(stack: SyncStack, kind: WorkerEvent["kind"], worker?: number) {
  return stack.workerEvents.find((event) =>
    event.kind === kind && event.function === "sync-entity" &&
    (worker === undefined || event.worker === worker)
  );
}

async function salesState(stack: SyncStack) {
  const [state] = await stack.sql`
    select cursor, lease_owner, last_status from public.sync_state where entity = 'sales'`;
  return state;
}

async function runningRuns(stack: SyncStack): Promise<number> {
  const [row] = await stack.sql`
    select count(*)::int as n from public.sync_log where status = 'running'`;
  return row.n;
}

Deno.test("sync-entity: a worker stopped mid-run closes its run partial, gives its lease back, and a fresh worker resumes and completes", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 31, scale: "demo" },
    workerWallClockMs: 6_000,
    // The functions are told of a paid plan's 400 s: only the platform's notice saves the run.
    functionsEnv: {
      SYNC_WORKER_WALL_CLOCK_MS: "400000",
      LIGHTSPEED_PAGE_SIZE: "20",
      LIGHTSPEED_REGISTER_COUNT: "9",
    },
  });
  try {
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: 500, count: 1_000, path: "/sales" }],
    });
    const stopped = await stack.invoke("sync-entity", { entity: "sales" });
    assert.equal(stopped.status, 200, "answered before the worker was killed");
    assert.equal(stopped.body.status, "partial", JSON.stringify(stopped.body));
    assert.equal(stopped.body.more, true);
    assert.match(stopped.body.error, /The platform stopped the worker \(wall_clock\)/);
    assert.ok(stopped.body.pages > 0, JSON.stringify(stopped.body));
    const notice = workerEvent(stack, "beforeunload", 1);
    assert.deepEqual([notice?.reason, notice?.inFlight], ["wall_clock", 1]);

    // Closed before the kill: no lease held, nothing shown as running.
    const state = await salesState(stack);
    assert.equal(state.lease_owner, null);
    assert.equal(state.last_status, "partial");
    assert.equal(state.cursor, stopped.body.cursor);
    assert.equal(await runningRuns(stack), 0);
    const [log] = await stack.sql`
      select status, error, finished_at, cursor_end from public.sync_log
      where id = ${stopped.body.run_id}`;
    assert.equal(log.status, "partial");
    assert.ok(log.finished_at);
    assert.equal(log.cursor_end, stopped.body.cursor);
    assert.match(log.error, /stopped the worker \(wall_clock\).*continues from its checkpoint/);
    // Answered and idle, the retired worker is dropped at once (EarlyDrop), else killed at 6 s.
    const ended = await eventually("the worker's end", () => workerEvent(stack, "stopped", 1));
    assert.equal(ended.inFlight, 0, "no request was left to be answered 546");

    await stack.control("/faults", undefined, "DELETE");
    const resumed = await stack.invoke("sync-entity", { entity: "sales" });
    assert.equal(resumed.body.status, "completed", JSON.stringify(resumed.body));
    assert.ok(workerEvent(stack, "started", 2), "served by a fresh worker");
    const [{ records }] = await stack.sql`
      select sum(records_received)::int as records from public.sync_log where entity = 'sales'`;
    assert.equal(records, stopped.body.records + resumed.body.records, "nothing read twice");
    const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, ["sales"]);
    assert.deepEqual(comparison.mismatches, []);
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity: a request late in a reused worker's life ends partial before the worker's wall clock, not killed", async () => {
  const wallClockMs = 10_000;
  const stack = await startSyncStack({
    simulator: { seed: 32, scale: "demo" },
    workerWallClockMs: wallClockMs,
    functionsEnv: {
      SYNC_WORKER_WALL_CLOCK_MS: String(wallClockMs),
      // From the request alone this run could go on past the worker's end.
      SYNC_TIME_BUDGET_MS: "8000",
      LIGHTSPEED_PAGE_SIZE: "20",
      LIGHTSPEED_REGISTER_COUNT: "9",
    },
  });
  try {
    const first = await stack.invoke("sync-entity", { entity: "outlets" });
    assert.equal(first.body.status, "completed");
    const worker = workerEvent(stack, "started", 1)!;
    // Still before the worker retires at half its wall clock: this request reuses it.
    await sleep(worker.at + 3_500 - Date.now());
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: 400, count: 1_000, path: "/sales" }],
    });
    const late = await stack.invoke("sync-entity", { entity: "sales" });
    const answeredAt = Date.now();
    assert.equal(late.status, 200);
    assert.equal(late.body.status, "partial", JSON.stringify(late.body));
    assert.equal(late.body.error, undefined, "ended by its deadline, not by the platform");
    assert.ok(late.body.pages > 0, JSON.stringify(late.body));
    // The worker's deadline (8 s after its start) cut the request's own 8 s short.
    assert.ok(late.body.duration_ms < 5_500, JSON.stringify(late.body));
    assert.ok(answeredAt - worker.at < wallClockMs * 0.9, "answered before beforeunload");
    assert.equal(workerEvent(stack, "started", 2), undefined, "the worker was reused");
    // Answered, the retired worker may be dropped at once (EarlyDrop): never noticed earlier.
    const notice = workerEvent(stack, "beforeunload", 1);
    assert.ok(!notice || (notice.reason === "early_drop" && notice.at >= answeredAt - 50));
    assert.equal((await salesState(stack)).lease_owner, null);
    assert.equal(await runningRuns(stack), 0);
  } finally {
    await stack.stop();
  }
});
