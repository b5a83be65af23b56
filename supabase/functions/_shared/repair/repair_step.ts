// One invocation's share of a logged repair (record, sales_range, rejects): open a repair run,
// land what fits before the deadline, close the run and record the progress on the repair's
// row, so a repair that did not fit continues from there with {"continue": <repair id>}.
import { DeadlineExceededError } from "../deadline.ts";
import { getEntity, isEntityName, pageSizeFor } from "../entities/registry.ts";
import { createLightspeedClient, type LightspeedClient } from "../lightspeed/client.ts";
import { describeError } from "../redact.ts";
import type { SyncEnvironment } from "../sync/run_entity_sync.ts";
import { WorkerStoppingError } from "../worker_lifetime.ts";
import { refetchRecords } from "./refetch_records.ts";
import { type RepairEntry, type RepairStatus, updateRepair } from "./repair_log.ts";
import { openRepairRun, type RepairRun } from "./repair_run.ts";
import { type RangeProgress, refetchSalesRange, type UtcRange } from "./sales_range.ts";

export interface StepLimits {
  deadline: number;
  signal?: AbortSignal;
}

export interface StepResult {
  repair_id: number;
  action: string;
  entity: string;
  status: RepairStatus;
  /** Work remains: call again with {"continue": repair_id}. */
  more: boolean;
  progress: Record<string, unknown>;
  run_id: number;
  error?: string;
}

// Rejects retried per invocation at most; the rest wait for the next one.
const REJECTS_PER_STEP = 200;

export async function runRepairStep(
  env: SyncEnvironment,
  entry: RepairEntry,
  limits: StepLimits,
): Promise<StepResult> {
  const client = createLightspeedClient({
    baseUrl: env.lightspeedBaseUrl,
    token: env.lightspeedToken,
    budget: env.budget,
    fetch: env.fetch,
    maxRetryAfterMs: env.maxRetryAfterMs,
  });
  if (!isEntityName(entry.entity)) throw new Error(`Unknown entity "${entry.entity}"`);
  const run = await openRepairRun(env.sql, getEntity(entry.entity), limits.deadline, env.secrets);
  const progress = { ...entry.progress };
  let error: string | null = null;
  let done = false;
  try {
    done = await stepOf(env, entry, run, client, progress, limits);
  } catch (thrown) {
    // Out of time, or a worker the platform stops, is not broken: the next invocation continues
    // from the progress recorded with each page.
    const outOfTime = thrown instanceof DeadlineExceededError ||
      thrown instanceof WorkerStoppingError;
    if (!outOfTime) error = describeError(thrown, env.secrets);
  }
  await run.close({ error, partial: !done }, client);
  const status: RepairStatus = error ? "failed" : done ? "completed" : "partial";
  await updateRepair(env.sql, entry.id, { status, progress, error, runId: run.runId });
  return {
    repair_id: entry.id,
    action: entry.action,
    entity: entry.entity,
    status,
    more: status === "partial",
    progress,
    run_id: run.runId,
    ...(error ? { error } : {}),
  };
}

/** Does the action's work into `progress`; true when nothing is left. */
async function stepOf(
  env: SyncEnvironment,
  entry: RepairEntry,
  run: RepairRun,
  client: LightspeedClient,
  progress: Record<string, unknown>,
  limits: StepLimits,
): Promise<boolean> {
  if (entry.action === "record") {
    const outcome = await refetchRecords(run, client, [String(entry.params.id)], limits);
    Object.assign(progress, {
      landed: outcome.landed,
      rejected: outcome.rejected,
      not_found: outcome.notFound.length > 0,
    });
    return outcome.left.length === 0;
  }
  if (entry.action === "sales_range") {
    const range = progress as unknown as RangeProgress & UtcRange;
    const pageSize = pageSizeFor(run.entity, env.pageSizeOverride);
    await refetchSalesRange(run, client, range, range, { pageSize, ...limits });
    return range.done;
  }
  return await retryRejects(env, run, client, progress, limits);
}

/** Re-fetches the entity's open rejects after the last one tried; resolved as they land. */
async function retryRejects(
  env: SyncEnvironment,
  run: RepairRun,
  client: LightspeedClient,
  progress: Record<string, unknown>,
  limits: StepLimits,
): Promise<boolean> {
  const after = Number(progress.after_id ?? 0);
  const rejects = await env.sql<{ id: number; record_id: string }[]>`
    select id, record_id from public.sync_rejects
    where entity = ${run.entity.name} and resolved_at is null and record_id is not null
      and id > ${after}
    order by id limit ${REJECTS_PER_STEP}`;
  const ids = rejects.map((r) => r.record_id);
  const outcome = await refetchRecords(run, client, ids, limits);
  const tried = rejects.slice(0, ids.length - outcome.left.length);
  const [resolved] = await env.sql<{ count: number }[]>`
    select count(*)::int as count from public.sync_rejects
    where id = any(${tried.map((r) => r.id)}::bigint[]) and resolved_at is not null`;
  Object.assign(progress, {
    after_id: tried.at(-1)?.id ?? after,
    tried: Number(progress.tried ?? 0) + tried.length,
    resolved: Number(progress.resolved ?? 0) + resolved.count,
    not_found: Number(progress.not_found ?? 0) + outcome.notFound.length,
  });
  return outcome.left.length === 0 && rejects.length < REJECTS_PER_STEP;
}
