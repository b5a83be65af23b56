// import-history's background slice (EdgeRuntime.waitUntil) inside the local edge runtime's
// workers with a wall clock of seconds: the platform stops the worker mid-slice, the slice's
// run closes partial and gives its lease back, and the import goes on in a fresh worker
// (docs/interface.md § Worker wall clock).
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms: number) {
  const until = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await sleep(100);
  }
}

async function stoppedRun(stack: SyncStack) {
  const [row] = await stack.sql`
    select id, status, error, finished_at from public.sync_log
    where entity = 'sales' and error like 'The platform stopped the worker%' order by id limit 1`;
  return row;
}

Deno.test("import-history: a slice whose worker the platform stops closes its run and the import continues in a fresh worker", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 33, scale: "demo" },
    workerWallClockMs: 6_000,
    // Told of a paid plan's 400 s, the slice plans past the worker's end: only the notice helps.
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
    const reply = await stack.invoke("import-history", { entities: ["sales"] });
    assert.equal(reply.status, 202);
    const stopped = await waitFor("a run stopped by the platform", () => stoppedRun(stack), 15_000);
    assert.equal(stopped.status, "partial");
    assert.ok(stopped.finished_at);
    const notice = stack.workerEvents.find((event) =>
      event.kind === "beforeunload" && event.function === "import-history"
    );
    assert.equal(notice?.reason, "wall_clock");
    await stack.control("/faults", undefined, "DELETE");

    const state = await waitFor("the import's end", async () => {
      const [row] = await stack.sql`
        select import_status, lease_owner from public.sync_state where entity = 'sales'`;
      return row?.import_status === "completed" ? row : undefined;
    }, 30_000);
    assert.equal(state.lease_owner, null);
    const [{ running }] = await stack.sql`
      select count(*)::int as running from public.sync_log where status = 'running'`;
    assert.equal(running, 0);
    const workers = stack.workerEvents.filter((event) =>
      event.kind === "started" && event.function === "import-history"
    );
    assert.ok(workers.length >= 2, "the import went on in a fresh worker");
    const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, ["sales"]);
    assert.deepEqual(comparison.mismatches, []);
  } finally {
    await stack.stop();
  }
});
