// The real sync engine run in the test's own process against a simulator and the shared test
// database, with a clock whose waits pass at once: a run's retries (8 attempts with growing
// back-off) end in a second, so a test can play hours of an outage. Only the waits are fast;
// HTTP, the shared request budget and every SQL statement are the real ones.
import type { Clock } from "../../supabase/functions/_shared/clock.ts";
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import { type EntityName, getEntity } from "../../supabase/functions/_shared/entities/registry.ts";
import {
  createPostgresRequestBudget,
  registerCountToLimit,
} from "../../supabase/functions/_shared/lightspeed/request_budget.ts";
import {
  runEntitySync,
  type RunResult,
  type SyncEnvironment,
} from "../../supabase/functions/_shared/sync/run_entity_sync.ts";
import type { RunningSimulator } from "../../simulator/mod.ts";

/** Real time plus every wait asked for so far: waits return at once, time still moves on. */
export function instantWaitClock(): Clock {
  let skippedMs = 0;
  return {
    now: () => Date.now() + skippedMs,
    sleep: (ms, signal) => {
      signal?.throwIfAborted();
      skippedMs += ms;
      return Promise.resolve();
    },
  };
}

export interface InProcessSyncOptions {
  /** The simulator's time scale: the rate window shrinks with it. */
  timeScale?: number;
  /** Wraps fetch, e.g. to add headers to the store's replies. */
  fetch?: typeof fetch;
}

/** A sync environment for `simulator`, pacing through a request budget of its own store key. */
export function inProcessSync(
  sql: Sql,
  simulator: RunningSimulator,
  options: InProcessSyncOptions = {},
): (entity: EntityName) => Promise<RunResult> {
  const clock = instantWaitClock();
  const env: SyncEnvironment = {
    sql,
    budget: createPostgresRequestBudget(sql, {
      storeKey: `in-process-${crypto.randomUUID()}`,
      requestLimit: registerCountToLimit(3),
      windowMs: Math.round(300_000 / (options.timeScale ?? 1)),
      safety: 0.9,
    }),
    lightspeedBaseUrl: simulator.apiBaseUrl,
    lightspeedToken: simulator.token,
    secrets: [simulator.token],
    fetch: options.fetch,
    clock,
  };
  return (entity) =>
    runEntitySync(env, {
      entity: getEntity(entity),
      trigger: "manual",
      deadline: clock.now() + 600_000,
    });
}
