// GET /functions/v1/health (docs/interface.md § health): the state of every entity and of the
// scheduler, and an overall status with its reason, so a monitor sees both a stopped scheduler
// (pg_cron dead, job unscheduled, dispatcher raising) and syncing that was switched off (the
// schedule off, every entity paused): neither ever answers 200 green.
// Anyone may ask; only operators and staff get error text.
import type { Sql } from "../_shared/database.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import { errorReply, jsonReply } from "../_shared/http/json_reply.ts";
import { authProblem, lightspeedAuthHealth } from "./lightspeed_auth.ts";
import { nearRealTimeByEntity } from "./near_real_time.ts";

type Colour = "green" | "yellow" | "red";
/** public.sync_entity_health: paused and off before any colour. */
type EntityState = "paused" | "off" | Colour;
/** public.sync_overall_health. */
type OverallState = "off" | "paused" | Colour;

interface EntityHealthRow {
  entity: string;
  status: EntityState;
  colour: Colour;
  reason: string;
  last_success_at: Date | null;
  lag_seconds: number | null;
  cursor: number;
  last_status: string | null;
  last_error: string | null;
}

interface SchedulerHealthRow {
  status: "off" | "green" | "red";
  enabled: boolean;
  last_dispatch_at: Date | null;
}

/** What an uptime monitor should see: 200 only while the data is kept fresh. */
export function httpStatusOf(overall: OverallState): 200 | 503 {
  return overall === "green" || overall === "yellow" ? 200 : 503;
}

/**
 * Every entity in sync_settings, paused ones included, by public.sync_entity_health; in the
 * registry's order (public.sync_entities), names it does not know last.
 */
function loadEntities(sql: Sql) {
  return sql<EntityHealthRow[]>`
    select se.entity, h.status, h.reason,
      public.sync_health_colour(st.last_success_at, st.last_status, se.yellow_after,
        se.red_after) as colour,
      st.last_success_at,
      floor(extract(epoch from now() - st.last_success_at))::bigint as lag_seconds,
      coalesce(st.cursor, 0) as cursor,
      st.last_status,
      st.last_error
    from public.sync_settings as se
    left join public.sync_state as st using (entity)
    left join public.sync_entities as reg using (entity)
    left join public.sync_schedule as sch on true
    cross join lateral public.sync_entity_health(se.enabled, sch.enabled, st.last_success_at,
      st.last_status, se.yellow_after, se.red_after) as h
    order by reg.sort_order nulls last, se.entity`;
}

async function overallOf(sql: Sql, scheduler: string, entities: EntityHealthRow[]) {
  const [overall] = await sql<{ status: OverallState; reason: string }[]>`
    select status, reason from public.sync_overall_health(
      ${scheduler}, ${entities.map((e) => e.status)}::text[])`;
  return overall;
}

export const handleHealth: FunctionHandler = async (req, context, caller) => {
  if (req.method !== "GET" && req.method !== "POST") return errorReply(405, "Use GET");
  // Same rules as the dashboard's sync_status view (public.sync_entity_health for entities,
  // public.sync_scheduler_health for the scheduler), and public.sync_overall_health.
  const trusted = caller.kind !== "anonymous";
  const [rows, [scheduler], nearRealTime, lightspeedAuth] = await Promise.all([
    loadEntities(context.sql),
    context.sql<SchedulerHealthRow[]>`
      select status, enabled, last_dispatch_at from public.sync_scheduler_health()`,
    nearRealTimeByEntity(context.sql, context.config.webhookToken !== undefined),
    lightspeedAuthHealth(context.sql, context.config, trusted),
  ]);
  const schedulerStatus = scheduler?.status ?? "off";
  const disconnected = authProblem(lightspeedAuth);
  // Every sync fails until an operator reconnects: red whatever the entities still show.
  const overall = disconnected
    ? { status: "red" as const, reason: disconnected }
    : await overallOf(context.sql, schedulerStatus, rows);
  const entities = rows.map((r) => ({
    entity: r.entity,
    status: r.status,
    colour: r.colour,
    reason: r.reason,
    last_success_at: r.last_success_at?.toISOString() ?? null,
    lag_seconds: r.lag_seconds,
    cursor: r.cursor,
    near_real_time: nearRealTime(r.entity),
    ...(trusted ? { last_status: r.last_status, last_error: r.last_error } : {}),
  }));
  return jsonReply(httpStatusOf(overall.status), {
    status: overall.status,
    reason: overall.reason,
    checked_at: new Date().toISOString(),
    // No error text here: a colour and a time, for anyone.
    scheduler: {
      status: schedulerStatus,
      enabled: scheduler?.enabled ?? false,
      last_dispatch_at: scheduler?.last_dispatch_at?.toISOString() ?? null,
    },
    lightspeed_auth: lightspeedAuth,
    entities,
  }, { "cache-control": "no-store" });
};
