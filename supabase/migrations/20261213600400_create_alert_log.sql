-- Every alert message the product made (README § Alerts): what it said and what became of it.
-- status: pending (sent, no answer yet, or waiting for a retry), sent (every destination
-- answered 2xx), failed (a destination still failed after max_attempts), suppressed (over
-- max_messages_per_hour: not sent), no_destination (no destination in Vault). last_error holds
-- an HTTP status or "timed out"/"no connection", never a URL. Staff read it through
-- public.sync_alert_history; written only by the database owner's functions.
create table if not exists public.alert_log (
  id bigint generated always as identity primary key,
  rule text not null,
  entity text,
  kind text not null check (kind in ('failing', 'recovered', 'test')),
  since timestamptz,
  message text not null,
  created_at timestamptz not null default now(),
  requested_by uuid,
  status text not null default 'pending'
    check (status in ('pending', 'sent', 'failed', 'suppressed', 'no_destination')),
  attempts integer not null default 0,
  delivered_at timestamptz,
  last_error text
);

create index if not exists alert_log_created_at_idx on public.alert_log (created_at desc);

alter table public.alert_log enable row level security;

revoke all on table public.alert_log from anon, authenticated;
grant select on table public.alert_log to authenticated;
-- The identity sequence gets the schema's default grants: no API role may draw from or set it.
revoke all on sequence public.alert_log_id_seq from anon, authenticated;

drop policy if exists "staff read" on public.alert_log;
create policy "staff read" on public.alert_log
  for select to authenticated using ((select public.is_staff()));

-- security_invoker: alert_log's staff-only RLS decides what the caller sees.
create or replace view public.sync_alert_history
  with (security_invoker = true)
as
select a.id, a.created_at, a.kind, a.rule, a.entity, a.since, a.message, a.status, a.attempts,
  a.delivered_at, a.last_error
from public.alert_log as a;

revoke all on table public.sync_alert_history from public, anon, authenticated, service_role;
grant select on table public.sync_alert_history to authenticated, service_role;

-- Open incidents: one row per rule and subject (an entity, or '' for the whole sync) while its
-- condition holds. Its presence is the de-duplication: the failing message goes when the row
-- is made, the recovered message when it is removed.
create table if not exists sync_private.alert_incidents (
  rule text not null,
  subject text not null,
  since timestamptz,
  opened_at timestamptz not null,
  primary key (rule, subject)
);

-- One delivery of a message to one destination, with its pg_net request and its attempts.
create table if not exists sync_private.alert_deliveries (
  id bigint generated always as identity primary key,
  alert_id bigint not null references public.alert_log (id) on delete cascade,
  destination text not null check (destination in ('slack', 'webhook')),
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  request_id bigint,
  attempts integer not null default 0,
  sent_at timestamptz,
  next_attempt_at timestamptz,
  last_error text,
  unique (alert_id, destination)
);

create index if not exists alert_deliveries_pending_idx
  on sync_private.alert_deliveries (id) where status = 'pending';

alter table sync_private.alert_incidents enable row level security;
alter table sync_private.alert_deliveries enable row level security;
revoke all on table sync_private.alert_incidents from public;
revoke all on table sync_private.alert_deliveries from public;

do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      execute pg_catalog.format(
        'revoke all on table sync_private.alert_incidents, sync_private.alert_deliveries from %I',
        v_role
      );
    end if;
  end loop;
end;
$$;

-- An explicit deny for the API roles, as on the other private tables.
drop policy if exists "no access through the api" on sync_private.alert_incidents;
create policy "no access through the api" on sync_private.alert_incidents
  for all to anon, authenticated using (false) with check (false);
drop policy if exists "no access through the api" on sync_private.alert_deliveries;
create policy "no access through the api" on sync_private.alert_deliveries
  for all to anon, authenticated using (false) with check (false);
