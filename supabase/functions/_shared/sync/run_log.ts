// sync_log: one row per run, opened as 'running' and always closed truthfully. A run that
// crashed is closed as failed by the next run that takes the entity's lease.
import type { Sql } from "../database.ts";

export type RunStatus = "completed" | "partial" | "failed" | "skipped";
export type RunTrigger =
  | "schedule"
  | "manual"
  | "import"
  | "dashboard"
  | "overlap"
  | "webhook"
  | "repair";

export const ABANDONED_RUN_ERROR =
  "The run stopped before finishing (crash, timeout or restart); " +
  "the pages it committed are kept and the next run resumed from its checkpoint";

/**
 * What a run knew of the rate budget: the requests per window its budget allowed, and what
 * Lightspeed's latest reply with X-RateLimit-* headers said (null without them).
 */
export interface RunRateBudget {
  allowed: number | null;
  limit: number | null;
  remaining: number | null;
}

export interface RunOutcome {
  status: Exclude<RunStatus, "skipped">;
  cursorEnd: number;
  requests: number;
  rateLimited: number;
  /** Rate-limit telemetry; absent for a run that sent nothing. */
  rateBudget?: RunRateBudget;
  error: string | null;
  /** What happens to a running import of this entity. */
  importStatus?: "completed" | "failed";
}

/** Closes runs of this entity left 'running' by a crashed predecessor. Call holding the lease. */
export async function closeAbandonedRuns(sql: Sql, entity: string): Promise<number> {
  const rows = await sql`
    update public.sync_log
    set status = 'failed',
        finished_at = coalesce(finished_at, now()),
        duration_ms = coalesce(duration_ms,
          (extract(epoch from (now() - started_at)) * 1000)::integer),
        error = ${ABANDONED_RUN_ERROR}
    where entity = ${entity} and status = 'running'
    returning id`;
  if (rows.length > 0) {
    await sql`
      update public.sync_state
      set last_status = 'failed', last_error = ${ABANDONED_RUN_ERROR}
      where entity = ${entity} and last_status = 'running'`;
  }
  return rows.length;
}

/**
 * The scheduled call that started a run (sync_private.scheduled_calls.id, a positive bigint in
 * decimal), stored with the run so the scheduler judges the call by it; null for other callers.
 */
export type CallId = string | null;

export async function openRun(
  sql: Sql,
  run: {
    entity: string;
    trigger: RunTrigger;
    importId: string | null;
    cursorStart: number;
    callId?: CallId;
  },
): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into public.sync_log (entity, trigger, import_id, status, cursor_start, cursor_end,
      call_id)
    values (${run.entity}, ${run.trigger}, ${run.importId}, 'running', ${run.cursorStart},
      ${run.cursorStart}, ${run.callId ?? null}::bigint)
    returning id`;
  await sql`
    update public.sync_state
    set last_run_id = ${row.id}, last_run_at = now(), last_status = 'running', updated_at = now()
    where entity = ${run.entity}`;
  return row.id;
}

/** Records a run that did nothing because another run holds the entity. */
export async function recordSkippedRun(
  sql: Sql,
  run: { entity: string; trigger: RunTrigger; importId: string | null; callId?: CallId },
): Promise<{ id: number; cursor: number }> {
  const [row] = await sql<{ id: number; cursor: number }[]>`
    insert into public.sync_log (entity, trigger, import_id, status, finished_at, duration_ms,
      cursor_start, cursor_end, error, call_id)
    select ${run.entity}, ${run.trigger}, ${run.importId}, 'skipped', now(), 0, s.cursor, s.cursor,
      'Another run holds this entity', ${run.callId ?? null}::bigint
    from public.sync_state as s where s.entity = ${run.entity}
    returning id, cursor_end as cursor`;
  return row;
}

/** Closes the run and releases the lease in one transaction. */
export async function closeRun(
  sql: Sql,
  run: { id: number; entity: string; owner: string },
  outcome: RunOutcome,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`
      update public.sync_log
      set status = ${outcome.status},
          finished_at = now(),
          duration_ms = (extract(epoch from (now() - started_at)) * 1000)::integer,
          requests = ${outcome.requests},
          rate_limited = ${outcome.rateLimited},
          budget_allowed = ${outcome.rateBudget?.allowed ?? null}::integer,
          rate_limit_limit = ${outcome.rateBudget?.limit ?? null}::integer,
          rate_limit_remaining = ${outcome.rateBudget?.remaining ?? null}::integer,
          cursor_end = ${outcome.cursorEnd},
          error = ${outcome.error}
      where id = ${run.id}`;
    await tx`
      update public.sync_state
      set last_status = ${outcome.status},
          last_success_at = case when ${outcome.status} = 'completed' then now()
            else last_success_at end,
          last_error = ${outcome.error},
          import_status = case when import_status = 'running'
            then coalesce(${outcome.importStatus ?? null}::text, import_status)
            else import_status end,
          import_completed_at = case
            when import_status = 'running' and ${outcome.importStatus ?? null}::text = 'completed'
            then now() else import_completed_at end,
          lease_owner = null,
          lease_expires_at = null,
          updated_at = now()
      where entity = ${run.entity} and lease_owner = ${run.owner}::uuid`;
  });
}
