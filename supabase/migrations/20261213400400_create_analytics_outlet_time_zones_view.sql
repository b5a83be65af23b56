-- Each outlet with the zone its days are counted in: its own time_zone from Lightspeed when
-- PostgreSQL knows the name, else the store's (public.sync_store_time_zone). Deleted outlets
-- stay: their old sales still need a day. security_invoker: staff only, through the tables'
-- own policies.
create or replace view public.analytics_outlet_time_zones
  with (security_invoker = true)
as
select
  o.id as outlet_id,
  o.name as outlet_name,
  case
    when exists (select 1 from pg_catalog.pg_timezone_names as n where n.name = o.time_zone)
      then o.time_zone
    else z.time_zone
  end as time_zone,
  o.deleted_at
from public.lightspeed_outlets as o
cross join public.sync_store_time_zone as z;

revoke all on table public.analytics_outlet_time_zones from public, anon, authenticated, service_role;
grant select on table public.analytics_outlet_time_zones to authenticated, service_role;
