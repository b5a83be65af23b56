-- The one rule for an entity's state, shared by the sync_status view (dashboard) and the health
-- function. Switched-off syncing has its own state, so it is never shown as a green "healthy":
--   paused  sync_settings.enabled is false: no scheduled runs for this entity;
--   off     sync_schedule.enabled is false: no scheduled runs at all;
--   else    the freshness colour of public.sync_health_colour (red, yellow or green).
-- `reason` says why in words an operator can act on (no error text: anyone may see it).
-- Pure and security invoker: it reads no table, so it grants nothing by being executable.
create or replace function public.sync_entity_health(
  enabled boolean,
  schedule_enabled boolean,
  last_success_at timestamptz,
  last_status text,
  yellow_after interval,
  red_after interval,
  at timestamptz default now()
)
  returns table (status text, reason text)
  language sql
  stable
  security invoker
  set search_path = ''
as $$
  select
    case
      when not coalesce(enabled, true) then 'paused'
      when not coalesce(schedule_enabled, false) then 'off'
      else colour
    end,
    case
      when not coalesce(enabled, true) then
        'paused: sync_settings.enabled is false, so no scheduled run syncs this entity'
      when not coalesce(schedule_enabled, false) then
        'schedule off: sync_schedule.enabled is false, so no scheduled run syncs anything'
      when last_status = 'failed' then 'the latest run failed'
      when last_success_at is null then 'no successful run yet'
      when colour = 'red' then format('no successful run for more than %s (red_after)',
        coalesce(red_after, interval '12 hours'))
      when colour = 'yellow' then format('no successful run for more than %s (yellow_after)',
        coalesce(yellow_after, interval '2 hours'))
      else format('synced within %s (yellow_after)', coalesce(yellow_after, interval '2 hours'))
    end
  from (
    select public.sync_health_colour(last_success_at, last_status, yellow_after, red_after, at)
      as colour
  ) as c
$$;

revoke all on function public.sync_entity_health(
  boolean, boolean, timestamptz, text, interval, interval, timestamptz
) from public, anon;
grant execute on function public.sync_entity_health(
  boolean, boolean, timestamptz, text, interval, interval, timestamptz
) to authenticated, service_role;
