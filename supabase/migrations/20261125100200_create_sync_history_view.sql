-- Dashboard history: every sync_log run with the figures people read at a glance.
-- security_invoker: sync_log's staff-only RLS decides what the caller sees.
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
  (l.started_at at time zone 'UTC')::date as day,
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
  l.error
from public.sync_log as l;

revoke all on table public.sync_history from public, anon, authenticated, service_role;
grant select on table public.sync_history to authenticated, service_role;
