// End-to-end acceptance of the schedule under pg_net's batching. pg_cron fires the product's own
// jobs for real (nothing is dispatched by hand; pg_cron 1.4 here has no sub-minute schedules and
// the shortest incremental slot the settings allow is one minute), the local pg_net sender works
// in batches like the real worker (one commit per batch, when its slowest request is done), and
// the simulated store keeps changing while it answers every request in 3 s. Every entity must end
// caught up and equal to the store, and a quick request queued among the scheduled calls must be
// recorded within about its own time plus the batch's 202s, not after the slow runs.
import assert from "node:assert/strict";
import {
  type EntityName,
  entityNames,
  getEntity,
  subResourceChildren,
} from "../../supabase/functions/_shared/entities/registry.ts";
import { startNetWorker } from "../net_worker.ts";
import { type Sql, startStubServer, testDatabaseUrl, waitFor } from "../net_worker_test_support.ts";
import { compareWithSource } from "../testing/compare_with_source.ts";
import { startSyncStack, testSyncSecret } from "../testing/sync_stack.ts";
import { takeOverSchedule } from "../testing/schedule_takeover.ts";
import {
  type Tracked,
  trackVisibility,
  type VisibilityTracker,
} from "../testing/net_visibility.ts";

const entities = entityNames as readonly EntityName[];
const STORE_LATENCY_MS = 3_000;
/** pg_net's pause between batches (1 s) + the batch's 202s (< 1 s) + the watcher's polling. */
const QUICK_LIMIT_MS = 2_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The distinct times the dispatcher job sent sync-entity calls since `since`. */
async function dispatchTicks(sql: Sql, since: Date): Promise<Date[]> {
  const rows = await sql<{ at: Date }[]>`
    select distinct requested_at as at from sync_private.scheduled_calls
    where function_name = 'sync-entity' and requested_at >= ${since} order by 1`;
  return rows.map((r) => r.at);
}

/** Every entity has a run that started at or after `since`, and none is running. */
async function allCaughtUpSince(sql: Sql, since: Date): Promise<true | undefined> {
  const [row] = await sql<{ done: boolean }[]>`
    select count(*) filter (where last_run_at >= ${since} and last_status <> 'running')
      = ${entities.length} as done
    from public.sync_state where entity = any(${entities as string[]})`;
  return row.done || undefined;
}

/** Repeats `step` every `everyMs` until stopped; stop() resolves once the last step ended. */
function every(everyMs: number, step: (n: number) => Promise<void>): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      await step(n);
      await sleep(everyMs);
    }
  })();
  return {
    stop() {
      running = false;
      return loop;
    },
  };
}

function changeStore(control: (path: string, body: unknown) => Promise<unknown>) {
  return async (n: number) => {
    await control("/mutate", {
      seed: `batch-${n}`,
      customerEdits: 2,
      productEdits: 1,
      customerDeletes: 1,
      voids: 1,
      lineItemRemovals: 1,
      newSales: 3,
      stockMovements: 2,
    });
  };
}

function latencies(items: Tracked[]): number[] {
  return items.filter((t) => t.seenAt !== undefined && t.queuedAt !== undefined)
    .map((t) => Math.round(t.seenAt! - t.queuedAt!));
}

/** Quick requests whose batch also carried a scheduled call (made visible in the same look). */
function sharedBatches(tracker: VisibilityTracker): { quick: Tracked[]; batches: number } {
  const scheduledLooks = new Set(
    tracker.all().filter((t) => t.kind === "scheduled" && t.seenLook !== undefined)
      .map((t) => t.seenLook),
  );
  const quick = tracker.all().filter((t) =>
    t.kind === "quick" && t.seenLook !== undefined && scheduledLooks.has(t.seenLook)
  );
  return { quick, batches: new Set(quick.map((t) => t.seenLook)).size };
}

Deno.test("pg_cron's schedule with batched pg_net: a changing, slow store is caught up; other requests are not held", async () => {
  const stack = await startSyncStack({ simulator: { seed: 71, scale: "demo" } });
  const { sql } = stack;
  const quickServer = startStubServer();
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
  const restore = await takeOverSchedule(sql, {
    projectUrl: stack.api.url,
    syncSecret: testSyncSecret,
  });
  const tracker = trackVisibility(sql);
  try {
    await worker.ready;
    await stack.control("/faults", {
      faults: [{ type: "slow", ms: STORE_LATENCY_MS, count: 1_000_000 }],
    });
    const [{ now: startedAt }] = await sql<{ now: Date }[]>`select clock_timestamp() as now`;
    const quick = every(250, () => tracker.queueGet(`${quickServer.url}/quick`));
    const scheduled = every(500, () => tracker.watchScheduledCalls(startedAt));
    const mutations = every(8_000, changeStore(stack.control));

    // The store changes across two ticks of the dispatcher job, then stops changing...
    await waitFor(
      "two dispatcher ticks",
      async () => (await dispatchTicks(sql, startedAt)).length >= 2 || undefined,
      150_000,
    );
    await mutations.stop();
    const [{ now: lastChange }] = await sql<{ now: Date }[]>`select clock_timestamp() as now`;
    // ...and the next tick catches up with the last changes.
    await waitFor(
      "a run of every entity after the last change",
      () => allCaughtUpSince(sql, lastChange),
      100_000,
    );
    await quick.stop();
    await sleep(3_000);
    await scheduled.stop();
    await tracker.stop();

    const report = reportRuns(tracker, await dispatchTicks(sql, startedAt));
    console.log(report.text);

    const comparison = await compareWithSource(sql, stack.simulator.controlUrl, entities);
    assert.deepEqual(comparison.mismatches, []);
    assert.ok(comparison.rowsCompared > 500, `compared only ${comparison.rowsCompared} rows`);
    await assertScheduledRunsCompleted(sql, startedAt);
    assert.ok(report.sharedBatches >= 2, "quick requests shared batches with scheduled calls");
    assert.ok(
      report.maxSharedMs <= QUICK_LIMIT_MS,
      `a quick request sharing a batch with scheduled calls waited ${report.maxSharedMs} ms`,
    );
    assert.ok(
      report.maxQuickMs <= QUICK_LIMIT_MS,
      `a quick request waited ${report.maxQuickMs} ms`,
    );
  } finally {
    await tracker.stop();
    await restore();
    await worker.stop();
    await quickServer.stop();
    await stack.stop();
  }
});

function reportRuns(tracker: VisibilityTracker, ticks: Date[]) {
  const quickMs = latencies(tracker.all().filter((t) => t.kind === "quick"));
  const shared = sharedBatches(tracker);
  const sharedMs = latencies(shared.quick);
  const max = (values: number[]) => values.length ? Math.max(...values) : 0;
  const text = `scheduled calls under batched pg_net: ${ticks.length} dispatcher ticks, ` +
    `${tracker.all().filter((t) => t.kind === "scheduled").length} scheduled calls; ` +
    `${quickMs.length} quick requests recorded after at most ${max(quickMs)} ms; ` +
    `${sharedMs.length} of them in ${shared.batches} batches with scheduled calls, ` +
    `at most ${max(sharedMs)} ms (store: ${STORE_LATENCY_MS} ms per request)`;
  return {
    text,
    maxQuickMs: max(quickMs),
    maxSharedMs: max(sharedMs),
    sharedBatches: shared.batches,
  };
}

// A consignment costs a request of its own (its products): at 3 s a request, importing them
// takes several runs, each landing part of a page and answering partial.
const severalRunsToImport = new Set(
  entities.filter((e) => subResourceChildren(getEntity(e)).length > 0),
);

/**
 * Every scheduled sync-entity call was accepted and its run (found by its call id) completed,
 * having waited for the slow store (or, for an entity with a request per record, landed part of
 * its import); the calls the reconcile job has settled succeeded.
 */
async function assertScheduledRunsCompleted(sql: Sql, since: Date): Promise<void> {
  const calls = await sql<
    {
      id: number;
      outcome: string;
      status_code: number | null;
      run: string | null;
      ms: number;
      entity: EntityName;
      pages: number;
    }[]
  >`
    select c.id, c.outcome, r.status_code, l.status as run, coalesce(l.duration_ms, 0) as ms,
      c.entity, coalesce(l.pages, 0) as pages
    from sync_private.scheduled_calls as c
    left join net._http_response as r on r.id = c.request_id
    left join public.sync_log as l on l.call_id = c.id
    where c.function_name = 'sync-entity' and c.requested_at >= ${since}`;
  assert.ok(calls.length >= entities.length * 2, `only ${calls.length} scheduled calls`);
  for (const call of calls) {
    assert.equal(call.status_code, 202, `call ${call.id} was answered ${call.status_code}`);
    if (call.run === "partial" && severalRunsToImport.has(call.entity)) {
      assert.ok(call.pages > 0, `call ${call.id}'s partial ${call.entity} run landed nothing`);
    } else assert.equal(call.run, "completed", `call ${call.id}'s run is ${call.run}`);
    assert.notEqual(call.outcome, "failed", `call ${call.id} was judged failed`);
  }
  assert.ok(
    calls.some((c) => c.ms >= 2 * STORE_LATENCY_MS),
    "some run took several slow requests (else the store was not slow)",
  );
}
