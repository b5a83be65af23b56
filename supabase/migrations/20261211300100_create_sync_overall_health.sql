-- The one rule for health's overall status, from the scheduler's status
-- (public.sync_scheduler_health) and every entity's state (public.sync_entity_health):
--   off     the schedule is off: nothing syncs on its own;
--   red     the scheduler is red (on, but not dispatching), or any entity is red;
--   paused  no entity is left to sync (every one paused);
--   yellow  any syncing entity is yellow;
--   green   otherwise.
-- Paused entities do not colour the rest: pausing one entity is a choice, not a fault.
-- Pure; only the health function (as the database owner or service_role) needs it.
create or replace function public.sync_overall_health(
  scheduler_status text,
  entity_statuses text[]
)
  returns table (status text, reason text)
  language sql
  immutable
  security invoker
  set search_path = ''
as $$
  select
    case
      when scheduler_status = 'off' then 'off'
      when scheduler_status = 'red' or red > 0 then 'red'
      when syncing = 0 then 'paused'
      when yellow > 0 then 'yellow'
      else 'green'
    end,
    case
      when scheduler_status = 'off' then
        'schedule off: sync_schedule.enabled is false, so nothing syncs on its own'
      when scheduler_status = 'red' then
        'the schedule is on but the dispatcher has not run for more than 5 minutes'
      when red > 0 then format('%s of %s syncing entities red', red, syncing)
      when syncing = 0 then 'every entity is paused (sync_settings.enabled is false)'
      when yellow > 0 then format('%s of %s syncing entities yellow', yellow, syncing)
      else format('all %s syncing entities green', syncing)
    end
  from (
    select
      count(*) filter (where s <> 'paused') as syncing,
      count(*) filter (where s = 'red') as red,
      count(*) filter (where s = 'yellow') as yellow
    from unnest(coalesce(entity_statuses, '{}')) as s
  ) as counts
$$;

revoke all on function public.sync_overall_health(text, text[])
  from public, anon, authenticated;
grant execute on function public.sync_overall_health(text, text[]) to service_role;
