// One bounded, checkpointed pass over one entity: take the lease, page from the cursor, land
// each page in its own transaction, stop before the time budget, and close the run truthfully.
import type { Sql } from "../database.ts";
import { type EntityDefinition, pageSizeFor } from "../entities/registry.ts";
import { type Clock, systemClock } from "../clock.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { createLightspeedClient } from "../lightspeed/client.ts";
import { pageByVersion } from "../lightspeed/pager.ts";
import type { RequestBudget } from "../lightspeed/request_budget.ts";
import { isPermanentFailure } from "../lightspeed/retry_policy.ts";
import { describeError } from "../redact.ts";
import type { CpuBudget } from "./cpu_budget.ts";
import { ingestPage } from "./ingest_page.ts";
import { acquireLease, type LeasedState, releaseLease } from "./lease.ts";
import { markOverlapRead, overlapStartCursor } from "./overlap.ts";
import { type PreparedPage, preparePage } from "./prepared_page.ts";
import {
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
  lightspeedToken: string;
  pageSizeOverride?: number;
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

// Time kept back for the last commit and closing the run.
export const CLOSING_RESERVE_MS = 2_000;
// A crashed run's lease outlives its deadline by this much, then anyone may take it.
const LEASE_GRACE_MS = 30_000;

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
  });
  return { runId, cursorStart, overlapFrom };
}

export async function runEntitySync(env: SyncEnvironment, request: RunRequest): Promise<RunResult> {
  const clock = env.clock ?? systemClock;
  const started = clock.now();
  const { entity, deadline } = request;
  const importId = request.importId ?? null;
  const owner = crypto.randomUUID();
  const leaseTtlMs = Math.max(1_000, deadline - started) + LEASE_GRACE_MS;

  const leased = await acquireLease(env.sql, entity.name, owner, leaseTtlMs);
  if (!leased) {
    const skipped = await recordSkippedRun(env.sql, {
      entity: entity.name,
      trigger: request.trigger,
      importId,
    });
    return {
      entity: entity.name,
      status: "skipped",
      records: 0,
      pages: 0,
      cursor: skipped.cursor,
      more: false,
      duration_ms: clock.now() - started,
      run_id: skipped.id,
    };
  }

  // Until the run is open nothing would release the lease if a step threw (the database
  // refusing, a connection lost): give it back at once rather than when it expires.
  let opened: { runId: number; cursorStart: number; overlapFrom: number | null };
  try {
    opened = await openLeasedRun(env.sql, entity.name, leased, request, importId);
  } catch (error) {
    await releaseLease(env.sql, entity.name, owner).catch(() => {});
    throw error;
  }
  const { runId, cursorStart, overlapFrom } = opened;

  const client = createLightspeedClient({
    baseUrl: env.lightspeedBaseUrl,
    token: env.lightspeedToken,
    budget: env.budget,
    fetch: env.fetch,
    clock,
  });
  const context = {
    entity,
    runId,
    leaseOwner: owner,
    leaseTtlMs,
    secrets: env.secrets,
    // Marked with each page (the first is what counts), so a re-read that fails before it
    // commits anything stays due.
    overlap: overlapFrom !== null,
  };
  let cursor = cursorStart;
  let records = 0;
  let pages = 0;
  let outcome: Omit<RunOutcome, "requests" | "rateLimited" | "cursorEnd">;
  try {
    let slowestPageMs = 0;
    let pageStarted = clock.now();
    const pager = pageByVersion(client, {
      path: entity.path,
      after: cursorStart,
      pageSize: pageSizeFor(entity, env.pageSizeOverride),
      deleted: entity.supportsDeleted,
      deadline: deadline - CLOSING_RESERVE_MS,
    });
    let reachedEnd = true;
    let parsedMs = 0;
    // A page is validated as soon as it arrives, so its parsed records die young (cheap for
    // the garbage collector) instead of waiting, alive, for the previous page's commit.
    const fetchNext = (): Promise<PreparedPage | null> =>
      pager.next().then((result) => {
        if (result.done) return null;
        const parseMs = client.stats.parseMs - parsedMs;
        parsedMs = client.stats.parseMs;
        const validationStarted = performance.now();
        const page = preparePage(entity, result.value);
        if (request.cpuBudget) {
          request.cpuBudget.spentMs += performance.now() - validationStarted + parseMs;
        }
        return page;
      });
    // The next page is requested while this one commits: fetching and landing overlap, and the
    // cursor still moves only after each page's own commit.
    let next: Promise<PreparedPage | null> | null = fetchNext();
    next.catch(() => {});
    while (next) {
      const page = await next;
      next = null;
      if (page === null) break;
      if (!request.cpuBudget?.exhausted && deadline - clock.now() > CLOSING_RESERVE_MS) {
        next = fetchNext();
        // Handled now, awaited later: a fetch that fails while this page commits must not be
        // an unhandled rejection (which would end the whole process); the await rethrows it.
        next.catch(() => {});
      }
      await ingestPage(env.sql, context, page);
      cursor = page.versionMax;
      records += page.received;
      pages++;
      const now = clock.now();
      slowestPageMs = Math.max(slowestPageMs, now - pageStarted);
      pageStarted = now;
      // Stop while there is still time for one more page like the slowest so far.
      if (!next || deadline - now < CLOSING_RESERVE_MS + slowestPageMs) {
        reachedEnd = false;
        break;
      }
    }
    // A re-read that found no page at all still completed.
    if (reachedEnd && overlapFrom !== null && pages === 0) {
      await markOverlapRead(env.sql, entity.name);
    }
    outcome = reachedEnd
      ? { status: "completed", error: null, importStatus: "completed" }
      : { status: "partial", error: null };
  } catch (error) {
    if (error instanceof DeadlineExceededError) {
      outcome = { status: "partial", error: null };
    } else {
      outcome = {
        status: "failed",
        error: describeError(error, env.secrets),
        // No retry can fix these: an import stops instead of spending requests on them.
        importStatus: isPermanentFailure(error) ? "failed" : undefined,
      };
    }
  }

  const finalOutcome: RunOutcome = {
    ...outcome,
    cursorEnd: cursor,
    requests: client.stats.requests,
    rateLimited: client.stats.rateLimited,
  };
  await closeRunPatiently(env.sql, { id: runId, entity: entity.name, owner }, finalOutcome, clock);
  return {
    entity: entity.name,
    status: finalOutcome.status,
    records,
    pages,
    cursor,
    more: finalOutcome.status === "partial",
    duration_ms: clock.now() - started,
    run_id: runId,
    ...(finalOutcome.error ? { error: finalOutcome.error } : {}),
  };
}
