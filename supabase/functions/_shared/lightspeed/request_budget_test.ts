import assert from "node:assert/strict";
import postgres from "postgres";
import { startSimulator } from "../../../../simulator/mod.ts";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import { repoRoot } from "../../../../dev/paths.ts";
import { type Clock, systemClock } from "../clock.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { createLightspeedClient } from "./client.ts";
import { readRegisterCount } from "./register_count.ts";
import { createPostgresRequestBudget, registerCountToLimit } from "./request_budget.ts";

/** Opens a pool, failing loudly (never skipping) when the test database is not there. */
async function connect(): Promise<postgres.Sql> {
  const sql = await connectTestDatabase({ max: 8 });
  const [{ ready }] = await sql<{ ready: boolean }[]>`
    select to_regprocedure('sync_private.claim_request_slot(text, integer, integer, integer)') is not null
      as ready
  `;
  if (!ready) {
    await sql.end({ timeout: 1 });
    throw new Error(
      `The test database lacks sync_private.claim_request_slot(text, integer, integer, integer): ` +
        "apply the migrations with deno task db:reset",
    );
  }
  return sql;
}

const uniqueStoreKey = (label: string) => `test-${label}-${crypto.randomUUID()}`;

/** Real time, with every sleep recorded. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => systemClock.now(),
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return systemClock.sleep(ms, signal);
    },
  };
}

Deno.test("registerCountToLimit() follows Lightspeed's 300 per register plus 50", () => {
  assert.equal(registerCountToLimit(1), 350);
  assert.equal(registerCountToLimit(4), 1250);
  assert.equal(registerCountToLimit(0), 50);
  assert.throws(() => registerCountToLimit(1.5), /whole number, got "1.5"/);
});

Deno.test("createPostgresRequestBudget() rejects a limit that leaves no request", async () => {
  const sql = await connect();
  try {
    const base = { storeKey: "s", requestLimit: 1, windowMs: 1000, safety: 0.5 };
    assert.throws(() => createPostgresRequestBudget(sql, base), /leaves no request to send/);
    assert.throws(
      () => createPostgresRequestBudget(sql, { ...base, requestLimit: 10, safety: 1.5 }),
      /Safety must be above 0/,
    );
    assert.throws(
      () => createPostgresRequestBudget(sql, { ...base, requestLimit: 10, maxInFlightMs: -1 }),
      /Longest in flight must be a whole number of ms, got "-1"/,
    );
    assert.equal(
      createPostgresRequestBudget(sql, { ...base, requestLimit: 350, safety: 0.9 })
        .allowedRequests,
      315,
    );
  } finally {
    await sql.end();
  }
});

Deno.test("acquire() grants allowedRequests per window, then waits for the first release to expire", async () => {
  const sql = await connect();
  try {
    const clock = recordingClock();
    const budget = createPostgresRequestBudget(sql, {
      storeKey: uniqueStoreKey("window"),
      requestLimit: 5,
      windowMs: 400,
      safety: 0.8,
      clock,
    });
    assert.equal(budget.allowedRequests, 4);
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      await (await budget.acquire({ deadline: started + 60_000 })).release();
    }
    assert.deepEqual(clock.sleeps, [], "the first four claims need no wait");

    await assert.rejects(budget.acquire({ deadline: Date.now() + 50 }), DeadlineExceededError);
    assert.deepEqual(clock.sleeps, [], "a wait past the deadline is refused, not slept");

    await budget.acquire({ deadline: started + 60_000 });
    assert.ok(Date.now() - started >= 395, "the fifth claim waited for the window to slide");
    assert.ok(clock.sleeps[0] > 300 && clock.sleeps[0] <= 400, `first wait ${clock.sleeps[0]}`);
  } finally {
    await sql.end();
  }
});

Deno.test("acquire() counts a request until one window after its release, however late that is", async () => {
  // A slow request is released long after its claim: its slot must stay taken for a whole
  // window from the release, since Lightspeed may have counted it just before the reply.
  const sql = await connect();
  try {
    const clock = recordingClock();
    const budget = createPostgresRequestBudget(sql, {
      storeKey: uniqueStoreKey("late-release"),
      requestLimit: 1,
      windowMs: 400,
      safety: 1,
      clock,
    });
    const slow = await budget.acquire({ deadline: Date.now() + 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const releasedAt = Date.now();
    await slow.release();
    await new Promise((resolve) => setTimeout(resolve, 150));

    // One window after the claim has passed, one after the release has not.
    await assert.rejects(budget.acquire({ deadline: releasedAt + 300 }), DeadlineExceededError);
    assert.deepEqual(clock.sleeps, [], "the wait was known to pass the deadline");
    await budget.acquire({ deadline: releasedAt + 60_000 });
    const freedAfter = Date.now() - releasedAt;
    assert.ok(freedAfter >= 395, `slot given again ${freedAfter} ms after the release`);
    assert.ok(freedAfter < 2000, `slot given again only ${freedAfter} ms after the release`);
  } finally {
    await sql.end();
  }
});

Deno.test("acquire() holds a slot never released for maxInFlightMs plus a window", async () => {
  // A process killed mid-request never releases its slot; it must not hold it for ever.
  const sql = await connect();
  try {
    const clock = recordingClock();
    const budget = createPostgresRequestBudget(sql, {
      storeKey: uniqueStoreKey("never-released"),
      requestLimit: 1,
      windowMs: 200,
      safety: 1,
      maxInFlightMs: 300,
      clock,
    });
    const claimedAt = Date.now();
    await budget.acquire({ deadline: claimedAt + 60_000 }); // never released
    // While the request may still be in flight the earliest free moment is a window away.
    await assert.rejects(budget.acquire({ deadline: Date.now() + 150 }), DeadlineExceededError);
    await (await budget.acquire({ deadline: claimedAt + 60_000 })).release();
    const freedAfter = Date.now() - claimedAt;
    assert.ok(freedAfter >= 495, `slot given again ${freedAfter} ms after the claim`);
    assert.ok(freedAfter < 3000, `slot given again only ${freedAfter} ms after the claim`);
    assert.ok(clock.sleeps.length > 0, "the second claim waited");
    assert.ok(clock.sleeps.every((ms) => ms > 0 && ms <= 200), `waits ${clock.sleeps}`);
  } finally {
    await sql.end();
  }
});

Deno.test("pauseUntil() after a 429 holds back every process of the store", async () => {
  // Two pools stand for two separate function invocations.
  const [sqlA, sqlB] = [await connect(), await connect()];
  try {
    const storeKey = uniqueStoreKey("pause");
    const options = { storeKey, requestLimit: 1000, windowMs: 60_000, safety: 0.9 };
    const budgetA = createPostgresRequestBudget(sqlA, options);
    const clockB = recordingClock();
    const budgetB = createPostgresRequestBudget(sqlB, { ...options, clock: clockB });
    const other = createPostgresRequestBudget(sqlB, { ...options, storeKey: uniqueStoreKey("x") });

    const pausedAt = Date.now();
    await budgetA.pauseUntil(pausedAt + 300);
    // A shorter pause reported later must not cut the first one short.
    await budgetB.pauseUntil(pausedAt + 10);

    await assert.rejects(budgetB.acquire({ deadline: pausedAt + 100 }), DeadlineExceededError);
    assert.deepEqual(clockB.sleeps, []);
    await other.acquire({ deadline: pausedAt + 100 }); // another store is not paused

    await budgetB.acquire({ deadline: pausedAt + 10_000 });
    assert.ok(Date.now() - pausedAt >= 290, `resumed after ${Date.now() - pausedAt} ms`);
    assert.ok(clockB.sleeps[0] > 200 && clockB.sleeps[0] <= 300, `waited ${clockB.sleeps}`);
  } finally {
    await Promise.all([sqlA.end(), sqlB.end()]);
  }
});

/** The simulator in its own OS process: it stamps arrivals on its own clock and event loop. */
async function startSimulatorProcess(options: { registers: number; timeScale: number }) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-check",
      "simulator/main.ts",
      "--port",
      "0",
      "--outlets",
      "1",
      "--registers",
      String(options.registers),
      "--time-scale",
      String(options.timeScale),
    ],
    cwd: repoRoot,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  let announced: () => void;
  const ready = new Promise<void>((resolve) => announced = resolve);
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      if (output.includes("Press Ctrl-C")) announced();
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const exited = child.status.then(() => {
    throw new Error(`The simulator exited at start:\n${output}`);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The simulator did not start:\n${output}`)), 60_000);
  });
  const stop = async () => {
    try {
      child.kill("SIGKILL");
      // audit-allow: swallowed-error kill throws when the process has already exited
    } catch { /* already gone */ }
    await child.status;
    await drained;
  };
  try {
    await Promise.race([ready, exited, tooSlow]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
    exited.catch(() => {});
  }
  const field = (name: string) => new RegExp(`${name}:\\s+(\\S+)`).exec(output)![1];
  return { apiBaseUrl: field("API"), controlUrl: field("Control"), token: field("Token"), stop };
}

type SimulatorProcess = Awaited<ReturnType<typeof startSimulatorProcess>>;

/**
 * Four workers per pool, each a client of the shared budget `budgetKey`, send requests until
 * `until`; resolves with the time of every reply.
 */
function runWorkers(
  simulator: SimulatorProcess,
  pools: postgres.Sql[],
  budget: { key: string; limit: number; windowMs: number },
  until: number,
): Promise<number[]> {
  const clients = pools.map((sql) =>
    createLightspeedClient({
      baseUrl: simulator.apiBaseUrl,
      token: simulator.token,
      budget: createPostgresRequestBudget(sql, {
        storeKey: budget.key,
        requestLimit: budget.limit,
        windowMs: budget.windowMs,
        safety: 1,
      }),
      rateLimitFallbackMs: 200,
    })
  );
  const served: number[] = [];
  const worker = async (client: (typeof clients)[number]) => {
    while (Date.now() < until) {
      try {
        await client.getJson("/outlets", { page_size: 1 }, { deadline: until });
        served.push(Date.now());
      } catch (error) {
        if (error instanceof DeadlineExceededError) return;
        throw error;
      }
    }
  };
  const done = Promise.all(clients.flatMap((client) => [1, 2, 3, 4].map(() => worker(client))));
  return done.then(() => served);
}

/** The store's registers, read through a budget of its own. */
function probeRegisters(simulator: SimulatorProcess, sql: postgres.Sql, windowMs: number) {
  return readRegisterCount(
    createLightspeedClient({
      baseUrl: simulator.apiBaseUrl,
      token: simulator.token,
      budget: createPostgresRequestBudget(sql, {
        storeKey: uniqueStoreKey("probe"),
        requestLimit: 50,
        windowMs,
        safety: 1,
      }),
    }),
    Date.now() + 10_000,
  );
}

/** How many of `served` fall in each window from `started`. */
function countPerWindow(served: number[], started: number, windowMs: number, windows: number) {
  return Array.from(
    { length: windows },
    (_, k) =>
      served.filter((at) => at - started >= k * windowMs && at - started < (k + 1) * windowMs)
        .length,
  );
}

Deno.test("createPostgresRequestBudget() keeps two processes within the simulator's limit and uses it", async () => {
  // No headroom (safety 1): the budget is exactly the simulator's limit, so a slot given again
  // while the simulator's window still holds its last request is a violation (a budget that
  // counts from the claim fails here on every run). A window of 3 s leaves a loaded 2-core
  // machine time to send each window's 350 requests, so the use asserted below (at least 90% of
  // the most a sliding window allows) measures the budget, not the machine.
  const windowMs = 3000;
  const windows = 3;
  const simulator = await startSimulatorProcess({ registers: 1, timeScale: 300_000 / windowMs });
  const pools = [await connect(), await connect()];
  try {
    const registers = await probeRegisters(simulator, pools[0], windowMs);
    assert.equal(registers, 1);
    const limit = registerCountToLimit(registers);
    // Open the pools' connections and the HTTP connections, and compile the code paths, so the
    // first window measures the budget rather than a cold start.
    const warmUp = { key: uniqueStoreKey("warm-up"), limit, windowMs };
    await runWorkers(simulator, pools, warmUp, Date.now() + 300);
    // Start from a fresh simulator window and counters, as the budget's store key is fresh.
    for (const route of ["rate-limit/reset", "stats/reset"]) {
      const reply = await fetch(`${simulator.controlUrl}/${route}`, { method: "POST" });
      assert.equal(reply.status, 200, await reply.text());
    }

    const started = Date.now();
    const shared = { key: uniqueStoreKey("shared"), limit, windowMs };
    const served = await runWorkers(simulator, pools, shared, started + windows * windowMs);

    const stats = await fetch(`${simulator.controlUrl}/stats`).then((r) => r.json());
    // The most a sliding window lets through in `windows` windows from a fresh start: `limit`
    // at once, then `limit` again as each window ends.
    const most = windows * limit;
    const perWindow = countPerWindow(served, started, windowMs, windows);
    console.log(
      `limit ${limit} per ${windowMs} ms; simulator served ${stats.served} of ${most} ` +
        `(${(stats.served / most).toFixed(3)}), clients had ${served.length} replies, ` +
        `by window ${perWindow.join(", ")}; simulator violations ${stats.violations}, ` +
        `429s ${stats.rateLimited}`,
    );
    assert.equal(stats.violations, 0, "the simulator saw requests beyond its limit");
    assert.equal(stats.rateLimited, 0, "the simulator had to rate limit");
    assert.ok(stats.served >= 0.9 * most, `served only ${stats.served} of ${most} allowed`);
  } finally {
    await Promise.all(pools.map((sql) => sql.end()));
    await simulator.stop();
  }
});

Deno.test("getJson() on a 429 pauses the other process's client through the shared budget", async () => {
  const simulator = await startSimulator({ outlets: 1, registers: 1 });
  const pools = [await connect(), await connect()];
  try {
    const storeKey = uniqueStoreKey("429");
    const [first, second] = pools.map((sql) =>
      createLightspeedClient({
        baseUrl: simulator.apiBaseUrl,
        token: simulator.token,
        budget: createPostgresRequestBudget(sql, {
          storeKey,
          requestLimit: 350,
          windowMs: 300_000,
          safety: 0.9,
        }),
      })
    );
    const queued = await fetch(`${simulator.controlUrl}/faults`, {
      method: "POST",
      body: JSON.stringify({
        faults: [{
          type: "status",
          status: 429,
          path: "/outlets",
          retryAfter: "seconds",
          retryAfterSeconds: 1,
        }],
      }),
    });
    assert.equal(queued.status, 200, await queued.text());

    const deadline = Date.now() + 10_000;
    const rateLimitedAt = Date.now();
    const firstCall = first.getJson("/outlets", { page_size: 1 }, { deadline });
    // Let the first call receive its 429 and pause the store before the second one starts.
    while (
      (await pools[1]`
        select 1 from sync_private.request_budget
        where store_key = ${storeKey} and paused_until > clock_timestamp()
      `).length === 0
    ) await new Promise((resolve) => setTimeout(resolve, 5));
    await second.getJson("/registers", { page_size: 1 }, { deadline });
    const secondDoneAfter = Date.now() - rateLimitedAt;
    await firstCall;

    assert.ok(secondDoneAfter >= 950, `second process resumed after ${secondDoneAfter} ms`);
    assert.equal(first.stats.requests, 2);
    assert.equal(second.stats.requests, 1, "the second process never hit the 429 itself");
  } finally {
    await Promise.all(pools.map((sql) => sql.end()));
    await simulator.stop();
  }
});
