-- The one rule for the scheduler's own colour, shared by the health function and the
-- sync_status view (like sync_health_colour for entities):
--   off    the schedule is switched off (sync_schedule.enabled), nothing is expected to run;
--   red    it is on, but the dispatcher has not completed a run for more than 5 minutes
--          (pg_cron stopped, the job unscheduled or inactive, or the dispatcher raising);
--   green  otherwise. The job runs every minute, so 5 minutes is several missed runs.
-- Security invoker: callers see what their own rights on both tables allow (staff only).
create or replace function public.sync_scheduler_health(at timestamptz default now())
  returns table (status text, enabled boolean, last_dispatch_at timestamptz)
  language sql
  stable
  security invoker
  set search_path = ''
as $$
  select
    case
      when not s.enabled then 'off'
      when h.last_dispatch_at is null or at - h.last_dispatch_at > interval '5 minutes' then 'red'
      else 'green'
    end,
    s.enabled,
    h.last_dispatch_at
  from public.sync_schedule as s
  left join public.sync_scheduler_heartbeat as h on true
$$;

revoke all on function public.sync_scheduler_health(timestamptz) from public, anon;
grant execute on function public.sync_scheduler_health(timestamptz)
  to authenticated, service_role;
