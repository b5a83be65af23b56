-- Whether the historical import is running, for the dashboard (its "Import history" button is
-- disabled meanwhile) and for import-history itself (a second start joins the running chain).
-- One rule: a chain runs while it has a token and showed a sign of life in the last 2 minutes
-- (sync_import_chain.seen_at), or while an importing entity's run holds its lease. Silent
-- longer, it is stalled: the scheduler's import continuation (same 2 minutes, see
-- sync_private.due_calls) or a new start takes over with a new token, and the silent chain
-- stops at its next hand-over. Security invoker: staff only, like the tables it reads.
create or replace view public.sync_import_status
  with (security_invoker = true)
as
select
  coalesce(live.running, false) as running,
  -- Entities marked importing with no chain moving them (a lost hand-over, a stopped worker).
  (not coalesce(live.running, false)) and cardinality(imp.entities) > 0 as stalled,
  c.import_id,
  c.started_at as running_since,
  c.seen_at as last_seen_at,
  c.handovers,
  imp.entities
from public.sync_import_chain as c
cross join lateral (
  select coalesce(array_agg(s.entity order by s.entity), '{}'::text[]) as entities,
    coalesce(bool_or(s.lease_expires_at > now()), false) as leased
  from public.sync_state as s
  where s.import_status = 'running'
) as imp
cross join lateral (
  select c.token is not null
    and (c.seen_at > now() - interval '2 minutes' or imp.leased) as running
) as live;

revoke all on table public.sync_import_status from public, anon, authenticated, service_role;
grant select on table public.sync_import_status to authenticated, service_role;
