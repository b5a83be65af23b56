-- sync_history keeps showing every sync_log column: the rate-limit telemetry of
-- 20261213600000_record_rate_budget_on_sync_log.sql is added at the end (a view's existing
-- columns keep their places). The rest is unchanged from
-- 20261213400200_date_sync_history_in_store_days.sql (store-local days).
create or replace view public.sync_history
  with (security_invoker = true)
as
select
  l.id,
  l.entity,
  l.trigger,
  l.import_id,
  l.status,
  l.started_at,
  l.finished_at,
  coalesce(
    l.duration_ms::bigint,
    floor(extract(epoch from coalesce(l.finished_at, now()) - l.started_at) * 1000)::bigint
  ) as duration_ms,
  (l.started_at at time zone z.time_zone)::date as day,
  l.pages,
  l.records_received,
  l.records_inserted,
  l.records_updated,
  l.records_unchanged,
  l.records_rejected,
  l.records_inserted + l.records_updated as records_changed,
  l.requests,
  l.rate_limited,
  l.cursor_start,
  l.cursor_end,
  l.status = 'failed' as failed,
  l.error,
  l.call_id,
  z.time_zone,
  l.budget_allowed,
  l.rate_limit_limit,
  l.rate_limit_remaining
from public.sync_log as l
cross join public.sync_store_time_zone as z;

revoke all on table public.sync_history from public, anon, authenticated, service_role;
grant select on table public.sync_history to authenticated, service_role;
