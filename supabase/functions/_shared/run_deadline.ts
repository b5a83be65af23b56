// When a run must have checkpointed and stopped: its own time budget counted from the request,
// but never past what the worker it runs in has left of its wall clock, since a reused worker
// may have served other requests for most of it (docs/interface.md § Worker wall clock).
import type { FunctionContext } from "./function_context.ts";

/** The platform announces a worker's end (`beforeunload`) at this percentage of its wall clock. */
export const BEFOREUNLOAD_PERCENT = 90;

/** Margin for timers that fire late and clocks read at slightly different moments. */
export const WORKER_CLOCK_MARGIN_MS = 1_000;

/**
 * What a run leaves unused at the end of the worker's wall clock: the time after the
 * platform's `beforeunload` notice, plus the margin. A run ending on time never needs the notice.
 */
export function workerReserveMs(wallClockMs: number): number {
  const notice = Math.floor(wallClockMs * BEFOREUNLOAD_PERCENT / 100);
  return wallClockMs - notice + WORKER_CLOCK_MARGIN_MS;
}

export interface DeadlineInputs {
  /** Epoch ms the request (or the background slice) started. */
  requestStartedAt: number;
  /** SYNC_TIME_BUDGET_MS. */
  timeBudgetMs: number;
  /** Epoch ms the worker started. */
  workerStartedAt: number;
  /** SYNC_WORKER_WALL_CLOCK_MS: the plan's wall clock per worker. */
  workerWallClockMs: number;
}

/** Epoch ms: the earlier of the request's budget and the worker's wall clock less its reserve. */
export function runDeadline(inputs: DeadlineInputs): number {
  const byBudget = inputs.requestStartedAt + inputs.timeBudgetMs;
  const byWorker = inputs.workerStartedAt + inputs.workerWallClockMs -
    workerReserveMs(inputs.workerWallClockMs);
  return Math.min(byBudget, byWorker);
}

/** The deadline of a run started now (or at `requestStartedAt`) in this context's worker. */
export function invocationDeadline(
  context: Pick<FunctionContext, "config" | "worker">,
  requestStartedAt = Date.now(),
): number {
  return runDeadline({
    requestStartedAt,
    timeBudgetMs: context.config.timeBudgetMs,
    workerStartedAt: context.worker.startedAt,
    workerWallClockMs: context.config.workerWallClockMs,
  });
}
