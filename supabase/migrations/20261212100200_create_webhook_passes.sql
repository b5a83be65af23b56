-- Coalescing of webhook-driven passes, per entity (README § Near-real-time): events count up
-- here; at most one function instance at a time (the driver) runs passes for an entity, and a
-- pass that saw events arrive while it ran is followed by exactly one more. Private: only the
-- functions' database role uses it. A driver silent for longer than a worker can live, or whose
-- invocation is about to end, is taken over.
create table if not exists sync_private.webhook_passes (
  entity text primary key,
  last_event_at timestamptz,
  -- Events since the current (or last) pass started.
  events_since_pass integer not null default 0,
  -- The function instance running passes for this entity, and when it last said so; a driver
  -- silent for longer than a worker can live is taken over.
  driver uuid,
  driver_seen_at timestamptz,
  -- When the driver's invocation ends: an event arriving shortly before takes over, so the last
  -- events of a burst never wait for a driver that has no time left to pass over them.
  driver_until timestamptz,
  last_pass_started_at timestamptz
);

alter table sync_private.webhook_passes enable row level security;
revoke all on table sync_private.webhook_passes from public;

do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      execute pg_catalog.format('revoke all on table sync_private.webhook_passes from %I', v_role);
    end if;
  end loop;
end;
$$;

-- An explicit deny for the API roles, as on the request budget's tables: it documents the intent
-- and answers the advisors' "RLS enabled, no policy" notice.
drop policy if exists "no access through the api" on sync_private.webhook_passes;
create policy "no access through the api" on sync_private.webhook_passes
  for all to anon, authenticated using (false) with check (false);
