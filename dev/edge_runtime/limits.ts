// The worker limits of the hosted Edge Runtime that the local one reproduces, and the replies
// the platform gives in place of a function's (docs/interface.md § Worker wall clock).

/** The Free plan's wall clock per worker (paid plans: 400 s). */
export const DEFAULT_WALL_CLOCK_MS = 150_000;

/** At half its wall clock a worker retires: it takes no new request; a fresh worker does. */
export const RETIRE_PERCENT = 50;

/** At 90 % the platform dispatches `beforeunload` with detail.reason "wall_clock". */
export const BEFOREUNLOAD_PERCENT = 90;

/** The moments of a worker's life, in ms after its start (its modules evaluated). */
export function workerMilestones(wallClockMs: number) {
  return {
    retireAt: Math.floor(wallClockMs * RETIRE_PERCENT / 100),
    beforeunloadAt: Math.floor(wallClockMs * BEFOREUNLOAD_PERCENT / 100),
    killAt: wallClockMs,
  };
}

/** LOCAL_WORKER_WALL_CLOCK_MS, or the default; throws a message naming what is expected. */
export function wallClockFromEnv(env: Record<string, string | undefined>): number {
  const text = env.LOCAL_WORKER_WALL_CLOCK_MS?.trim();
  if (!text) return DEFAULT_WALL_CLOCK_MS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1_000 || value > 3_600_000) {
    throw new Error("LOCAL_WORKER_WALL_CLOCK_MS must be an integer number of ms, 1000–3600000");
  }
  return value;
}

function platformError(status: number, code: string, message: string): Response {
  return Response.json({ code, message }, { status, headers: { "sb-error-code": code } });
}

/** A request still in flight when its worker was stopped for a resource limit. */
export function workerResourceLimitReply(): Response {
  return platformError(
    546,
    "WORKER_RESOURCE_LIMIT",
    "Function failed due to not having enough compute resources (please check logs)",
  );
}

/** The function's module failed to load or never called Deno.serve. */
export function bootErrorReply(): Response {
  return platformError(503, "BOOT_ERROR", "Function failed to start (please check logs)");
}

/** An uncaught error ended the worker while the request was in flight. */
export function workerErrorReply(): Response {
  return platformError(500, "WORKER_ERROR", "Function exited due to an error (please check logs)");
}
