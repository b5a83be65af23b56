-- The one rule for an entity's freshness colour, shared by the sync_status view (dashboard)
-- and available to the health function so both always agree:
--   red    when the latest run failed, or the entity never succeeded, or the last success is
--          older than red_after;
--   yellow when the last success is older than yellow_after;
--   green  otherwise.
-- Pure and security invoker: it reads no table, so it grants nothing by being executable.
create or replace function public.sync_health_colour(
  last_success_at timestamptz,
  last_status text,
  yellow_after interval,
  red_after interval,
  at timestamptz default now()
)
  returns text
  language sql
  stable
  security invoker
  set search_path = ''
as $$
  select case
    when last_status = 'failed' or last_success_at is null then 'red'
    when at - last_success_at >= coalesce(red_after, interval '12 hours') then 'red'
    when at - last_success_at >= coalesce(yellow_after, interval '2 hours') then 'yellow'
    else 'green'
  end
$$;

revoke all on function public.sync_health_colour(timestamptz, text, interval, interval, timestamptz)
  from public, anon;
grant execute on function public.sync_health_colour(timestamptz, text, interval, interval, timestamptz)
  to authenticated, service_role;
