-- The scheduled call that started a run: sync-entity stores the id the dispatcher sends in the
-- x-sync-call-id header (sync_private.scheduled_calls.id) on the run's row. The scheduler then
-- judges each call by the run it started rather than by pg_net's response alone, which pg_net
-- records only when the slowest request of its batch is done. Null for every other run.
alter table public.sync_log add column if not exists call_id bigint
  constraint sync_log_call_id_positive check (call_id > 0);

comment on column public.sync_log.call_id is
  'sync_private.scheduled_calls.id of the scheduled call that started this run; null otherwise.';

create index if not exists sync_log_call_id_idx on public.sync_log (call_id)
  where call_id is not null;

-- Grants and row-level security need nothing new: sync_log's table grants (select for
-- authenticated, 20261125090320) and its staff-only policy cover the column like the others.

-- sync_history shows every sync_log column: call_id joins at the end (create or replace view
-- keeps the existing columns, in their order, for the dashboard and anyone else reading it).
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
  l.error,
  l.call_id
from public.sync_log as l;

revoke all on table public.sync_history from public, anon, authenticated, service_role;
grant select on table public.sync_history to authenticated, service_role;
