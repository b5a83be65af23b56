-- The scheduler's own sign of life. Entity freshness only turns yellow after yellow_after (2 h
-- by default), so a dead pg_cron, an unscheduled job or a dispatcher that errors every minute
-- would otherwise go unnoticed for hours. The dispatcher (20261201110100) stamps this row each
-- time it runs; health and sync_status compare it with the clock (20261201110200).
create table if not exists public.sync_scheduler_heartbeat (
  -- A singleton, like sync_schedule.
  id boolean primary key default true check (id),
  -- When sync_private.dispatch_due_syncs() last ran to completion (its transaction committed).
  last_dispatch_at timestamptz
);

insert into public.sync_scheduler_heartbeat (id) values (true) on conflict (id) do nothing;

alter table public.sync_scheduler_heartbeat enable row level security;

revoke all on table public.sync_scheduler_heartbeat from anon, authenticated;
grant select on table public.sync_scheduler_heartbeat to authenticated;

drop policy if exists "staff read" on public.sync_scheduler_heartbeat;
create policy "staff read" on public.sync_scheduler_heartbeat
  for select to authenticated using ((select public.is_staff()));
