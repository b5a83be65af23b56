// public.repair_log: one row per repair asked for, with who asked, updated as it progresses
// (a date range continues across invocations from the offset kept here).
import type { Sql } from "../database.ts";

export type RepairAction = "reread" | "record" | "sales_range" | "rejects";
export type RepairStatus = "running" | "partial" | "completed" | "failed";

/** Who asked: the holder of the sync secret, or a staff member with the operator role. */
export type RepairActor = { kind: "operator" } | { kind: "staff"; userId: string };

export interface RepairEntry {
  id: number;
  action: RepairAction;
  entity: string;
  params: Record<string, unknown>;
  status: RepairStatus;
  progress: Record<string, unknown>;
}

export async function logRepair(
  sql: Sql,
  request: {
    action: RepairAction;
    entity: string;
    params: Record<string, unknown>;
    actor: RepairActor;
    progress?: Record<string, unknown>;
  },
): Promise<RepairEntry> {
  const userId = request.actor.kind === "staff" ? request.actor.userId : null;
  const [row] = await sql<RepairEntry[]>`
    insert into public.repair_log (action, entity, params, requested_by, requested_by_user,
      progress)
    values (${request.action}, ${request.entity}, ${sql.json(request.params as never)},
      ${request.actor.kind}, ${userId}::uuid, ${sql.json((request.progress ?? {}) as never)})
    returning id, action, entity, params, status, progress`;
  return row;
}

export async function findRepair(sql: Sql, id: number): Promise<RepairEntry | null> {
  const [row] = await sql<RepairEntry[]>`
    select id, action, entity, params, status, progress from public.repair_log where id = ${id}`;
  return row ?? null;
}

export async function updateRepair(
  sql: Sql,
  id: number,
  update: {
    status: RepairStatus;
    progress: Record<string, unknown>;
    error?: string | null;
    runId?: number | null;
  },
): Promise<void> {
  await sql`
    update public.repair_log
    set status = ${update.status}, progress = ${sql.json(update.progress as never)},
        error = ${update.error ?? null},
        last_run_id = coalesce(${update.runId ?? null}::bigint, last_run_id),
        updated_at = now(),
        finished_at = case when ${update.status} in ('completed', 'failed') then now() end
    where id = ${id}`;
}
