import assert from "node:assert/strict";
import postgres from "postgres";
import { startSimulator } from "../../../../simulator/mod.ts";
import { connectTestDatabase } from "../../../../dev/testing/database.ts";
import { type Clock, createLightspeedClient, systemClock } from "./client.ts";
import { DeadlineExceededError } from "./errors.ts";
import {
  createPostgresRequestBudget,
  readRegisterCount,
  registerCountToLimit,
} from "./request_budget.ts";

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

Deno.test("createPostgresRequestBudget() keeps two concurrent processes under the simulator's limit", async () => {
  const windowMs = 2000;
  const simulator = await startSimulator({
    outlets: 1,
    registers: 1,
    timeScale: 300_000 / windowMs,
  });
  const pools = [await connect(), await connect()];
  try {
    const storeKey = uniqueStoreKey("shared");
    const registers = await readRegisterCount(
      createLightspeedClient({
        baseUrl: simulator.apiBaseUrl,
        token: simulator.token,
        budget: createPostgresRequestBudget(pools[0], {
          storeKey,
          requestLimit: 50,
          windowMs,
          safety: 0.9,
        }),
      }),
      Date.now() + 10_000,
    );
    assert.equal(registers, simulator.store.registerCount);
    const limit = registerCountToLimit(registers);
    // Start from a fresh simulator window and counters, as if nothing had been sent yet.
    for (const route of ["rate-limit/reset", "stats/reset"]) {
      await fetch(`${simulator.controlUrl}/${route}`, { method: "POST" }).then((r) =>
        r.body?.cancel()
      );
    }

    const windows = 3;
    const started = Date.now();
    const endAt = started + windows * windowMs;
    const served: number[] = [];
    const clients = pools.map((sql) =>
      createLightspeedClient({
        baseUrl: simulator.apiBaseUrl,
        token: simulator.token,
        budget: createPostgresRequestBudget(sql, {
          storeKey,
          requestLimit: limit,
          windowMs,
          safety: 0.9,
        }),
        rateLimitFallbackMs: 200,
      })
    );
    const worker = async (client: (typeof clients)[number]) => {
      while (Date.now() < endAt) {
        try {
          await client.getJson("/outlets", { page_size: 1 }, { deadline: endAt });
          served.push(Date.now() - started);
        } catch (error) {
          if (error instanceof DeadlineExceededError) return;
          throw error;
        }
      }
    };
    await Promise.all(clients.flatMap((client) => Array.from({ length: 4 }, () => worker(client))));

    const stats = await fetch(`${simulator.controlUrl}/stats`).then((r) => r.json());
    const allowed = Math.floor(limit * 0.9);
    const perWindow = Array.from(
      { length: windows },
      (_, k) => served.filter((at) => at >= k * windowMs && at < (k + 1) * windowMs).length,
    );
    console.log(
      `limit ${limit}/window, budget ${allowed}, served per ${windowMs} ms window: ` +
        `${perWindow.join(", ")}; simulator violations ${stats.violations}, ` +
        `429s ${stats.rateLimited}`,
    );
    assert.equal(stats.violations, 0, "the simulator saw requests beyond its limit");
    assert.equal(stats.rateLimited, 0, "the simulator had to rate limit");
    for (const count of perWindow) {
      assert.ok(count <= limit, `window served ${count} > limit ${limit}`);
      assert.ok(count >= 0.8 * limit, `window served only ${count} of ${limit} allowed`);
    }
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
