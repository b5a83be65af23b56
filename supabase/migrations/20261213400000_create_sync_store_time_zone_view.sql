-- The store's time zone, the one every "per day" figure of the dashboard is counted in: the
-- schedule's setting (sync_schedule.time_zone), else the first outlet's by name whose zone
-- PostgreSQL knows, else UTC. One row, read by staff through sync_schedule's own policy
-- (security_invoker: a caller who is not staff sees no row, anon may not read it at all).
-- The setting is checked when it is saved (its column's check); an outlet's zone is whatever
-- Lightspeed sent, so only a name in pg_timezone_names counts.
create or replace view public.sync_store_time_zone
  with (security_invoker = true)
as
select
  coalesce(nullif(btrim(s.time_zone), ''), o.time_zone, 'UTC') as time_zone,
  case
    when nullif(btrim(s.time_zone), '') is not null then 'setting'
    when o.time_zone is not null then 'outlet'
    else 'default'
  end as source
from public.sync_schedule as s
left join lateral (
  select first_outlet.time_zone
  from public.lightspeed_outlets as first_outlet
  where first_outlet.deleted_at is null
    and exists (
      select 1 from pg_catalog.pg_timezone_names as z where z.name = first_outlet.time_zone
    )
  order by first_outlet.name, first_outlet.id
  limit 1
) as o on true;

revoke all on table public.sync_store_time_zone from public, anon, authenticated, service_role;
grant select on table public.sync_store_time_zone to authenticated, service_role;
