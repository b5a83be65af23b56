// One bounded, checkpointed pass over one entity: take the lease, page from the cursor, land
// each page in its own transaction, stop before the time budget, and close the run truthfully.
// openEntityRun and continueEntityRun are its two halves, so sync-entity can answer a
// respond-async caller in between (docs/interface.md § sync-entity).
import { type Clock, systemClock } from "../clock.ts";
import type { Sql } from "../database.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { type EntityDefinition, pageSizeFor } from "../entities/registry.ts";
import { createLightspeedClient } from "../lightspeed/client.ts";
import type { RequestBudget } from "../lightspeed/request_budget.ts";
import type { TokenProvider } from "../lightspeed/token_provider.ts";
import { isPermanentFailure } from "../lightspeed/retry_policy.ts";
import { describeError } from "../redact.ts";
import { WorkerStoppingError } from "../worker_lifetime.ts";
import type { CpuBudget } from "./cpu_budget.ts";
import { acquireLease, type LeasedState, releaseLease } from "./lease.ts";
import { markOverlapRead, overlapStartCursor } from "./overlap.ts";
import { landPages, type PageLoop, type RunProgress } from "./page_loop.ts";
import {
  type CallId,
  closeAbandonedRuns,
  closeRun,
  openRun,
  recordSkippedRun,
  type RunOutcome,
  type RunStatus,
  type RunTrigger,
} from "./run_log.ts";

export interface SyncEnvironment {
  sql: Sql;
  budget: RequestBudget;
  lightspeedBaseUrl: string;
  /** A personal token, or the OAuth connection's token provider (README § OAuth). */
  lightspeedToken: string | TokenProvider;
  pageSizeOverride?: number;
  /** Longest wait a 429 may impose on the store (LIGHTSPEED_MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs?: number;
  /** Values that must never appear in an error message stored or returned. */
  secrets: readonly string[];
  fetch?: typeof fetch;
  clock?: Clock;
}

export interface RunRequest {
  entity: EntityDefinition;
  trigger: RunTrigger;
  /** Epoch ms by which the run must have checkpointed and stopped. */
  deadline: number;
  importId?: string | null;
  cpuBudget?: CpuBudget;
  /** Re-read the overlap window now (the nightly run asks for it). */
  overlap?: boolean;
  /** Aborted when the platform is about to stop the worker: checkpoint and close the run. */
  signal?: AbortSignal;
  /** The scheduled call that asked for this run, stored on its sync_log row. */
  callId?: CallId;
}

export interface RunResult {
  entity: string;
  status: RunStatus;
  records: number;
  pages: number;
  cursor: number;
  more: boolean;
  duration_ms: number;
  run_id: number;
  error?: string;
}

// A crashed run's lease outlives its deadline by this much, then anyone may take it.
const LEASE_GRACE_MS = 30_000;

/** A run that holds its entity's lease and has its sync_log row open. */
export interface OpenedRun {
  runId: number;
  owner: string;
  leaseTtlMs: number;
  cursorStart: number;
  /** The cursor an overlap re-read starts from, or null when this run does not re-read. */
  overlapFrom: number | null;
  /** Clock time the run was asked for: its duration counts from here. */
  started: number;
}

/** How the page loop ended, before the run's request counts and final cursor are added. */
type PagesOutcome = Omit<RunOutcome, "requests" | "rateLimited" | "cursorEnd">;

/** What opening a run, or closing one that never started, needs: the database and the clock. */
type RunDatabase = Pick<SyncEnvironment, "sql" | "clock">;

export async function runEntitySync(env: SyncEnvironment, request: RunRequest): Promise<RunResult> {
  const run = await openEntityRun(env, request);
  if ("skipped" in run) return run.skipped;
  return await continueEntityRun(env, request, run);
}

/**
 * The first step, database work only (no Lightspeed call): takes the entity's lease and opens
 * the run's sync_log row, or records a skipped run when another run holds the lease.
 */
export async function openEntityRun(
  env: RunDatabase,
  request: RunRequest,
): Promise<OpenedRun | { skipped: RunResult }> {
  const clock = env.clock ?? systemClock;
  const started = clock.now();
  const run = await takeLeaseAndOpenRun(env.sql, request, started);
  if ("skipped" in run) return { skipped: { ...run.skipped, duration_ms: clock.now() - started } };
  return { ...run, started };
}

/** The rest of an opened run: land the pages, close the run truthfully, report. */
export async function continueEntityRun(
  env: SyncEnvironment,
  request: RunRequest,
  run: OpenedRun,
): Promise<RunResult> {
  const clock = env.clock ?? systemClock;
  const client = createLightspeedClient({
    baseUrl: env.lightspeedBaseUrl,
    token: env.lightspeedToken,
    budget: env.budget,
    fetch: env.fetch,
    clock,
    maxRetryAfterMs: env.maxRetryAfterMs,
  });
  const { entity } = request;
  const loop: PageLoop = {
    sql: env.sql,
    client,
    clock,
    context: {
      entity,
      runId: run.runId,
      leaseOwner: run.owner,
      leaseTtlMs: run.leaseTtlMs,
      secrets: env.secrets,
      // Marked with each page (the first is what counts), so a re-read that fails before it
      // commits anything stays due.
      overlap: run.overlapFrom !== null,
    },
    pageSize: pageSizeFor(entity, env.pageSizeOverride),
    deadline: request.deadline,
    cpuBudget: request.cpuBudget,
    signal: request.signal,
  };
  const progress: RunProgress = {
    cursor: run.cursorStart,
    records: 0,
    pages: 0,
    reachedEnd: false,
  };
  const outcome: RunOutcome = {
    ...await landPagesTruthfully(loop, progress, env.secrets),
    cursorEnd: progress.cursor,
    requests: client.stats.requests,
    rateLimited: client.stats.rateLimited,
    rateBudget: {
      allowed: env.budget.allowedRequests ?? null,
      limit: client.stats.rateLimitLimit,
      remaining: client.stats.rateLimitRemaining,
    },
  };
  await closeRunPatiently(
    env.sql,
    { id: run.runId, entity: entity.name, owner: run.owner },
    outcome,
    clock,
  );
  return runResult(entity.name, run.runId, outcome, progress, clock.now() - run.started);
}

/**
 * Closes an opened run as failed before any page was asked for (what the pass needed could not
 * be had), so the failure shows at once instead of when the lease expires.
 */
export async function closeOpenedRunAsFailed(
  env: RunDatabase,
  request: RunRequest,
  run: OpenedRun,
  error: string,
): Promise<void> {
  await closeRunPatiently(
    env.sql,
    { id: run.runId, entity: request.entity.name, owner: run.owner },
    { status: "failed", error, cursorEnd: run.cursorStart, requests: 0, rateLimited: 0 },
    env.clock ?? systemClock,
  );
}

/**
 * Takes the entity's lease and opens the run, or records a skipped run when another run holds
 * the lease (the skipped result still lacks its duration).
 */
async function takeLeaseAndOpenRun(
  sql: Sql,
  request: RunRequest,
  started: number,
): Promise<Omit<OpenedRun, "started"> | { skipped: Omit<RunResult, "duration_ms"> }> {
  const { entity } = request;
  const importId = request.importId ?? null;
  const owner = crypto.randomUUID();
  const leaseTtlMs = Math.max(1_000, request.deadline - started) + LEASE_GRACE_MS;
  const leased = await acquireLease(sql, entity.name, owner, leaseTtlMs);
  if (!leased) {
    const skipped = await recordSkippedRun(sql, {
      entity: entity.name,
      trigger: request.trigger,
      importId,
      callId: request.callId,
    });
    return {
      skipped: {
        entity: entity.name,
        status: "skipped",
        records: 0,
        pages: 0,
        cursor: skipped.cursor,
        more: false,
        run_id: skipped.id,
      },
    };
  }
  // Until the run is open nothing would release the lease if a step threw (the database
  // refusing, a connection lost): give it back at once rather than when it expires.
  try {
    const opened = await openLeasedRun(sql, entity.name, leased, request, importId);
    return { ...opened, owner, leaseTtlMs };
  } catch (error) {
    await releaseLease(sql, entity.name, owner).catch(() => {});
    throw error;
  }
}

/** Closes what a crashed predecessor left open, picks the start cursor and opens the run. */
async function openLeasedRun(
  sql: Sql,
  entityName: string,
  leased: LeasedState,
  request: RunRequest,
  importId: string | null,
): Promise<{ runId: number; cursorStart: number; overlapFrom: number | null }> {
  await closeAbandonedRuns(sql, entityName);
  const importing = leased.importStatus === "running";
  const overlapFrom = importing || request.trigger === "import"
    ? null
    : await overlapStartCursor(sql, entityName, leased.cursor, {
      requested: request.overlap ?? false,
    });
  const cursorStart = overlapFrom ?? leased.cursor;
  const runId = await openRun(sql, {
    entity: entityName,
    trigger: overlapFrom !== null ? "overlap" : request.trigger,
    importId: importId ?? (importing ? leased.importId : null),
    cursorStart,
    callId: request.callId,
  });
  return { runId, cursorStart, overlapFrom };
}

/** Runs the page loop and says how it ended, whatever it threw. */
async function landPagesTruthfully(
  loop: PageLoop,
  progress: RunProgress,
  secrets: readonly string[],
): Promise<PagesOutcome> {
  try {
    await landPages(loop, progress);
    if (!progress.reachedEnd) return { status: "partial", error: null };
    // A re-read that found no page at all still completed.
    if (loop.context.overlap && progress.pages === 0) {
      await markOverlapRead(loop.sql, loop.context.entity.name);
    }
    return { status: "completed", error: null, importStatus: "completed" };
  } catch (error) {
    // Out of time is not broken: the run checkpointed and the next one continues.
    if (error instanceof DeadlineExceededError) return { status: "partial", error: null };
    // Nor is a worker the platform stops: the note says why this run ended early.
    if (error instanceof WorkerStoppingError) return { status: "partial", error: error.message };
    return {
      status: "failed",
      error: describeError(error, secrets),
      // No retry can fix these: an import stops instead of spending requests on them.
      importStatus: isPermanentFailure(error) ? "failed" : undefined,
    };
  }
}

// The database can be briefly away (a restart, a failover): closing the run truthfully is worth
// a few short retries, so a failed run is recorded at once instead of when its lease expires.
const CLOSE_RETRY_DELAYS_MS = [500, 1_000, 2_000];

async function closeRunPatiently(
  sql: Sql,
  run: { id: number; entity: string; owner: string },
  outcome: RunOutcome,
  clock: Clock,
): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await closeRun(sql, run, outcome);
    } catch (error) {
      if (attempt >= CLOSE_RETRY_DELAYS_MS.length) throw error;
      await clock.sleep(CLOSE_RETRY_DELAYS_MS[attempt]);
    }
  }
}

function runResult(
  entity: string,
  runId: number,
  outcome: RunOutcome,
  progress: RunProgress,
  durationMs: number,
): RunResult {
  return {
    entity,
    status: outcome.status,
    records: progress.records,
    pages: progress.pages,
    cursor: progress.cursor,
    more: outcome.status === "partial",
    duration_ms: durationMs,
    run_id: runId,
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}
