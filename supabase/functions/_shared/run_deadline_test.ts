import assert from "node:assert/strict";
import { invocationDeadline, runDeadline, workerReserveMs } from "./run_deadline.ts";
import { standaloneWorkerLifetime } from "./worker_lifetime.ts";

const FREE_WALL_CLOCK_MS = 150_000;
const PAID_WALL_CLOCK_MS = 400_000;

Deno.test("workerReserveMs() keeps the time after the platform's beforeunload notice, plus a second", () => {
  assert.equal(workerReserveMs(FREE_WALL_CLOCK_MS), 16_000);
  assert.equal(workerReserveMs(PAID_WALL_CLOCK_MS), 41_000);
  assert.equal(workerReserveMs(6_000), 1_600);
  // Rounded like the platform's percentage: the notice comes at 9 ms of 11.
  assert.equal(workerReserveMs(11), 1_002);
});

Deno.test("runDeadline() of a request early in a fresh worker is the request's own budget", () => {
  const deadline = runDeadline({
    requestStartedAt: 1_000_500,
    timeBudgetMs: 60_000,
    workerStartedAt: 1_000_000,
    workerWallClockMs: FREE_WALL_CLOCK_MS,
  });
  assert.equal(deadline, 1_060_500);
});

Deno.test("runDeadline() of a request late in a reused worker ends before the worker's notice", () => {
  const workerStartedAt = 1_000_000;
  // 70 s into a 150 s worker, a 140 s budget would outlive the worker by a minute.
  const deadline = runDeadline({
    requestStartedAt: workerStartedAt + 70_000,
    timeBudgetMs: 140_000,
    workerStartedAt,
    workerWallClockMs: FREE_WALL_CLOCK_MS,
  });
  assert.equal(deadline, workerStartedAt + 134_000);
  assert.ok(deadline < workerStartedAt + 135_000, "before beforeunload at 90 %");
});

Deno.test("runDeadline() gives the paid plan's longer wall clock to a long budget", () => {
  const workerStartedAt = 1_000_000;
  const deadline = runDeadline({
    requestStartedAt: workerStartedAt + 200_000,
    timeBudgetMs: 140_000,
    workerStartedAt,
    workerWallClockMs: PAID_WALL_CLOCK_MS,
  });
  assert.equal(deadline, workerStartedAt + 340_000);
});

Deno.test("runDeadline() may lie in the past for a worker already past its usable time", () => {
  const workerStartedAt = 1_000_000;
  const requestStartedAt = workerStartedAt + 140_000;
  const deadline = runDeadline({
    requestStartedAt,
    timeBudgetMs: 60_000,
    workerStartedAt,
    workerWallClockMs: FREE_WALL_CLOCK_MS,
  });
  assert.ok(deadline < requestStartedAt, "the run checkpoints at once instead of being killed");
});

Deno.test("invocationDeadline() reads the budget and wall clock from the context's settings", () => {
  const context = {
    config: { timeBudgetMs: 30_000, workerWallClockMs: 10_000 },
    worker: standaloneWorkerLifetime(5_000),
  } as Parameters<typeof invocationDeadline>[0];
  assert.equal(invocationDeadline(context, 6_000), 5_000 + 10_000 - 2_000);
  assert.equal(invocationDeadline({ ...context, worker: standaloneWorkerLifetime(0) }, 0), 8_000);
  context.config.workerWallClockMs = 400_000;
  assert.equal(invocationDeadline(context, 6_000), 36_000);
});
