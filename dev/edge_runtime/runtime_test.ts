// The local edge runtime against small test functions (test_functions/), with a 2 s wall
// clock: workers reused then retired, beforeunload at 90 %, 546 at 100 %, background work lost
// with its worker, EarlyDrop, boot errors. No database.
import assert from "node:assert/strict";
import { createEdgeRuntime, type EdgeRuntime, type WorkerEvent } from "./runtime.ts";

const WALL_CLOCK_MS = 2_000;

interface Stage {
  runtime: EdgeRuntime;
  events: WorkerEvent[];
  /** Paths the functions reported to the callback server, in order, with the time. */
  reports: { path: string; worker: string; at: number }[];
  call(path: string, init?: RequestInit): Promise<Response>;
}

const functions = {
  probe: new URL("./test_functions/probe/index.ts", import.meta.url).href,
  broken: new URL("./test_functions/broken/index.ts", import.meta.url).href,
};

async function withRuntime(fn: (stage: Stage) => Promise<void>) {
  const reports: Stage["reports"] = [];
  const callbacks = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    reports.push({ path: url.pathname, worker: url.searchParams.get("worker")!, at: Date.now() });
    return new Response(null, { status: 204 });
  });
  const events: WorkerEvent[] = [];
  const runtime = createEdgeRuntime({
    functions,
    env: () => ({
      CALLBACK_URL: `http://127.0.0.1:${callbacks.addr.port}`,
      GREETING: "hello from the functions' own environment",
    }),
    wallClockMs: WALL_CLOCK_MS,
    onEvent: (event) => events.push(event),
  });
  const call = (path: string, init?: RequestInit) =>
    runtime.handle(new Request(`http://local${path}`, init), path.split(/[/?]/)[1]);
  try {
    await fn({ runtime, events, reports, call });
  } finally {
    await runtime.close();
    await callbacks.shutdown();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function started(events: WorkerEvent[]): WorkerEvent[] {
  return events.filter((event) => event.kind === "started");
}

Deno.test("edge runtime: a worker serves several requests, retires at half its wall clock, and the next request starts a fresh one", async () => {
  await withRuntime(async ({ call, events }) => {
    const first = await (await call("/probe", { method: "POST", body: "one" })).json();
    const second = await (await call("/probe")).json();
    assert.equal(second.worker, first.worker, "the worker was reused");
    assert.equal(first.body, "one");
    assert.equal(first.greeting, "hello from the functions' own environment");
    assert.equal(Deno.env.get("GREETING"), undefined, "the worker's environment is its own");
    await sleep(WALL_CLOCK_MS / 2 + 100);
    const third = await (await call("/probe")).json();
    assert.notEqual(third.worker, first.worker, "a retired worker takes no new request");
    assert.equal(started(events).length, 2);
    assert.ok(events.some((event) => event.kind === "retired" && event.worker === 1));
    console.log(`worker boot times: ${started(events).map((event) => event.bootMs).join(", ")} ms`);
  });
});

Deno.test("edge runtime: beforeunload (wall_clock) comes at 90 %, then a request in flight gets 546 WORKER_RESOURCE_LIMIT", async () => {
  await withRuntime(async ({ call, events, reports }) => {
    const began = Date.now();
    const reply = await call("/probe?ms=10000");
    const answeredAfter = Date.now() - began;
    assert.equal(reply.status, 546);
    assert.equal(reply.headers.get("sb-error-code"), "WORKER_RESOURCE_LIMIT");
    assert.equal((await reply.json()).code, "WORKER_RESOURCE_LIMIT");
    assert.ok(answeredAfter >= WALL_CLOCK_MS && answeredAfter < WALL_CLOCK_MS + 1_500);
    const notice = reports.find((report) => report.path === "/beforeunload/wall_clock");
    assert.ok(notice, JSON.stringify(reports));
    const [worker] = started(events);
    const noticeAfter = notice.at - worker.at;
    assert.ok(
      noticeAfter >= WALL_CLOCK_MS * 0.9 - 50 && noticeAfter < WALL_CLOCK_MS,
      `${noticeAfter}`,
    );
    const stopped = events.find((event) => event.kind === "stopped");
    assert.deepEqual([stopped?.reason, stopped?.inFlight], ["wall_clock", 1]);
  });
});

Deno.test("edge runtime: background work (EdgeRuntime.waitUntil) keeps its worker up to the wall clock and dies with it", async () => {
  await withRuntime(async ({ call, events, reports }) => {
    const reply = await call("/probe/background?ms=3000");
    assert.equal(reply.status, 200, "the reply does not wait for the background work");
    await reply.body?.cancel();
    await sleep(3_500);
    assert.ok(!reports.some((report) => report.path === "/background-done"), "it ran on");
    const stopped = events.find((event) => event.kind === "stopped");
    assert.equal(stopped?.reason, "wall_clock", "waitUntil work is no reason to drop early");
  });
});

Deno.test("edge runtime: a retired worker is dropped once its requests and background work are done (EarlyDrop)", async () => {
  await withRuntime(async ({ call, events, reports }) => {
    const idle = await call("/probe");
    await idle.body?.cancel();
    const busy = await call("/probe/background?ms=1300");
    await busy.body?.cancel();
    await sleep(1_600);
    assert.equal(reports[0]?.path, "/background-done", "the background work finished first");
    // Its listeners ran, but like the hosted runtime's the worker ends right after them: what
    // they start asynchronously may not get to run.
    const notice = events.find((event) => event.kind === "beforeunload");
    assert.deepEqual([notice?.reason, notice?.inFlight], ["early_drop", 0]);
    const [worker] = started(events);
    const stopped = events.find((event) => event.kind === "stopped");
    assert.equal(stopped?.reason, "early_drop");
    assert.ok(stopped!.at >= reports[0].at, "not before the background work was done");
    assert.ok(stopped!.at - worker.at < WALL_CLOCK_MS * 0.9, "dropped before its wall clock");
  });
});

Deno.test("edge runtime: a function that fails to load answers 503 BOOT_ERROR; an unknown one 404", async () => {
  await withRuntime(async ({ call, events }) => {
    const originalError = console.error;
    console.error = () => {};
    try {
      const broken = await call("/broken");
      assert.equal(broken.status, 503);
      assert.equal(broken.headers.get("sb-error-code"), "BOOT_ERROR");
      await broken.body?.cancel();
    } finally {
      console.error = originalError;
    }
    assert.equal(events.at(-1)?.kind, "boot_failed");
    const unknown = await call("/nothing-here");
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  });
});
