-- The dashboard's charts count runs per store-local day (public.sync_store_time_zone), not per
-- UTC day, so a run at 23:30 UTC in a New Zealand store lands on the next day, as the staff
-- there lived it. time_zone (appended: create or replace keeps the columns before it) says
-- which zone `day` is in. security_invoker: sync_log's and sync_schedule's staff-only RLS
-- decide what the caller sees.
create or replace view public.sync_daily
  with (security_invoker = true)
as
select
  l.entity,
  (l.started_at at time zone z.time_zone)::date as day,
  count(*) as runs,
  count(*) filter (where l.status = 'failed') as failures,
  coalesce(sum(l.records_received), 0)::bigint as records_received,
  coalesce(sum(l.records_inserted + l.records_updated), 0)::bigint as records_changed,
  coalesce(sum(l.records_rejected), 0)::bigint as records_rejected,
  round(avg(l.duration_ms) filter (where l.finished_at is not null))::bigint as avg_duration_ms,
  max(l.duration_ms) filter (where l.finished_at is not null) as max_duration_ms,
  z.time_zone
from public.sync_log as l
cross join public.sync_store_time_zone as z
group by l.entity, (l.started_at at time zone z.time_zone)::date, z.time_zone;

revoke all on table public.sync_daily from public, anon, authenticated, service_role;
grant select on table public.sync_daily to authenticated, service_role;
