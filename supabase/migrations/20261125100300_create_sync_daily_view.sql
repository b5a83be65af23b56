-- Dashboard charts: per entity and UTC day, what the runs did. Aggregated in the database so
-- the browser fetches at most entities x days rows instead of every run.
-- security_invoker: sync_log's staff-only RLS decides what the caller sees.
create or replace view public.sync_daily
  with (security_invoker = true)
as
select
  l.entity,
  (l.started_at at time zone 'UTC')::date as day,
  count(*) as runs,
  count(*) filter (where l.status = 'failed') as failures,
  coalesce(sum(l.records_received), 0)::bigint as records_received,
  coalesce(sum(l.records_inserted + l.records_updated), 0)::bigint as records_changed,
  coalesce(sum(l.records_rejected), 0)::bigint as records_rejected,
  round(avg(l.duration_ms) filter (where l.finished_at is not null))::bigint as avg_duration_ms,
  max(l.duration_ms) filter (where l.finished_at is not null) as max_duration_ms
from public.sync_log as l
group by l.entity, (l.started_at at time zone 'UTC')::date;

revoke all on table public.sync_daily from public, anon, authenticated, service_role;
grant select on table public.sync_daily to authenticated, service_role;
