// GET /functions/v1/health (docs/interface.md § health): the freshness colour of every enabled
// entity, and the scheduler's own colour, so a stopped scheduler (pg_cron dead, job unscheduled,
// dispatcher raising) turns health red within minutes instead of after yellow_after.
// Anyone may ask; only operators and staff get error text.
import type { FunctionHandler } from "../_shared/function_entry.ts";
import { errorReply, jsonReply } from "../_shared/http/json_reply.ts";

interface EntityHealthRow {
  entity: string;
  status: "green" | "yellow" | "red";
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

export const handleHealth: FunctionHandler = async (req, context, caller) => {
  if (req.method !== "GET" && req.method !== "POST") return errorReply(405, "Use GET");
  // Same rules as the dashboard's sync_status view: public.sync_health_colour for entities,
  // public.sync_scheduler_health for the scheduler.
  const [rows, [scheduler]] = await Promise.all([
    context.sql<EntityHealthRow[]>`
      select se.entity,
        public.sync_health_colour(st.last_success_at, st.last_status, se.yellow_after,
          se.red_after) as status,
        st.last_success_at,
        floor(extract(epoch from now() - st.last_success_at))::bigint as lag_seconds,
        coalesce(st.cursor, 0) as cursor,
        st.last_status,
        st.last_error
      from public.sync_settings as se
      left join public.sync_state as st using (entity)
      where se.enabled
      order by se.entity`,
    context.sql<SchedulerHealthRow[]>`
      select status, enabled, last_dispatch_at from public.sync_scheduler_health()`,
  ]);
  const trusted = caller.kind !== "anonymous";
  const overall = rows.some((r) => r.status === "red") || scheduler?.status === "red"
    ? "red"
    : rows.some((r) => r.status === "yellow")
    ? "yellow"
    : "green";
  const entities = rows.map((r) => ({
    entity: r.entity,
    status: r.status,
    last_success_at: r.last_success_at?.toISOString() ?? null,
    lag_seconds: r.lag_seconds,
    cursor: r.cursor,
    ...(trusted ? { last_status: r.last_status, last_error: r.last_error } : {}),
  }));
  return jsonReply(overall === "red" ? 503 : 200, {
    status: overall,
    checked_at: new Date().toISOString(),
    // No error text here: a colour and a time, for anyone.
    scheduler: {
      status: scheduler?.status ?? "off",
      enabled: scheduler?.enabled ?? false,
      last_dispatch_at: scheduler?.last_dispatch_at?.toISOString() ?? null,
    },
    entities,
  }, { "cache-control": "no-store" });
};
