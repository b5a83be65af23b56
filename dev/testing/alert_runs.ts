// Sync history written straight into the shared test database for alert tests: runs that
// failed or completed, as the sync records them, and the alert job's function run at a given
// time. Test equipment, used under the test lock inside withAlertSetup.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import { waitFor } from "../net_worker_test_support.ts";

export async function recordRun(
  sql: Sql,
  entity: string,
  status: "completed" | "failed",
  fields: { rate_limited?: number; rate_limit_remaining?: number | null; requests?: number } = {},
): Promise<void> {
  await sql`
    insert into public.sync_log (entity, status, started_at, finished_at, requests, rate_limited,
      rate_limit_remaining, error)
    values (${entity}, ${status}, clock_timestamp(), clock_timestamp(), ${fields.requests ?? 1},
      ${fields.rate_limited ?? 0}, ${fields.rate_limit_remaining ?? null}::integer,
      ${status === "failed" ? "HTTP 503 from Lightspeed" : null})`;
  await sql`insert into public.sync_state (entity, last_status, last_success_at)
    values (${entity}, ${status}, case when ${status} = 'completed' then now() end)
    on conflict (entity) do update set last_status = excluded.last_status,
      last_success_at = coalesce(excluded.last_success_at, sync_state.last_success_at)`;
}

export interface Evaluation {
  opened: number;
  recovered: number;
  retries: number;
}

/** Runs the alert job's function, `laterMs` after the database's now (retries are timed). */
export async function evaluateAlerts(sql: Sql, laterMs = 0): Promise<Evaluation> {
  const [row] = await sql<{ result: Evaluation }[]>`
    select sync_private.evaluate_alerts(now() + ${laterMs} * interval '1 millisecond') as result`;
  return row.result;
}

/** Waits until pg_net (the local worker) has recorded an answer to every delivery sent. */
export function deliveriesAnswered(sql: Sql): Promise<true> {
  return waitFor("pg_net's answers to the alert deliveries", async () => {
    const [row] = await sql<{ waiting: number }[]>`
      select count(*)::int as waiting from sync_private.alert_deliveries as d
      where d.status = 'pending' and d.request_id is not null
        and not exists (select 1 from net._http_response as r where r.id = d.request_id)`;
    return row.waiting === 0 ? true : undefined;
  });
}

export interface AlertRow {
  kind: string;
  rule: string;
  entity: string | null;
  status: string;
  attempts: number;
  message: string;
  last_error: string | null;
}

export function alertRows(sql: Sql): Promise<AlertRow[]> {
  return sql<AlertRow[]>`select kind, rule, entity, status, attempts, message, last_error
    from public.alert_log order by id`;
}
