-- Scheduling settings: one row, changed with SQL or from the dashboard, never by editing jobs.
-- The cron jobs (20261125110300) only call functions that read this row at run time.
create extension if not exists pg_cron with schema pg_catalog;
create extension if not exists pg_net with schema extensions;

create schema if not exists sync_private;
revoke all on schema sync_private from public, anon, authenticated;

create table if not exists public.sync_schedule (
  -- A singleton: the primary key can only be true.
  id boolean primary key default true check (id),
  -- Master switch for every scheduled call (imports, incremental and nightly runs). Off until
  -- `deno task deploy` (or the manual steps in docs/deploy.md) has stored the Vault secrets the
  -- calls need; an operator may pause it again at any time.
  enabled boolean not null default false,
  -- IANA name such as 'Pacific/Auckland'; null means the first outlet's time zone, else UTC.
  -- timezone() raises "time zone ... not recognized" for a name PostgreSQL does not know.
  time_zone text check (time_zone is null or timezone(time_zone, now()) is not null),
  -- Incremental runs start at every multiple of this many minutes (UTC-aligned: 60 = :00).
  incremental_every_minutes integer not null default 60
    check (incremental_every_minutes between 1 and 1440),
  -- Store-local hour of the nightly run (which re-reads the overlap window).
  nightly_hour integer not null default 2 check (nightly_hour between 0 and 23),
  job_run_details_retention_days integer not null default 14
    check (job_run_details_retention_days between 1 and 3650),
  sync_log_retention_days integer not null default 90
    check (sync_log_retention_days between 7 and 3650),
  -- pg_net's timeout for each scheduled call; hosted functions answer 504 after 150 s idle.
  call_timeout_ms integer not null default 150000
    check (call_timeout_ms between 1000 and 900000),
  updated_at timestamptz not null default now()
);

insert into public.sync_schedule (id) values (true) on conflict (id) do nothing;

alter table public.sync_schedule enable row level security;

revoke all on table public.sync_schedule from anon, authenticated;
grant select on table public.sync_schedule to authenticated;
-- Staff may change the operator-facing columns only, never insert or delete the row.
grant update (
  enabled, time_zone, incremental_every_minutes, nightly_hour,
  job_run_details_retention_days, sync_log_retention_days, call_timeout_ms, updated_at
) on table public.sync_schedule to authenticated;

drop policy if exists "staff read" on public.sync_schedule;
create policy "staff read" on public.sync_schedule
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff update" on public.sync_schedule;
create policy "staff update" on public.sync_schedule
  for update to authenticated
  using ((select public.is_staff()))
  with check ((select public.is_staff()));

-- Every call the scheduler made (or failed to make), so the outcome pg_net records only in
-- net._http_response (kept ~6 h, invisible to cron.job_run_details) can be checked afterwards.
create table if not exists sync_private.scheduled_calls (
  id bigint generated always as identity primary key,
  entity text not null,
  function_name text not null check (function_name in ('sync-entity', 'import-history')),
  reason text not null check (reason in ('import', 'stuck', 'nightly', 'partial', 'incremental')),
  body jsonb not null,
  -- The store-local date a nightly call belongs to: at most one nightly call per date.
  nightly_date date,
  requested_at timestamptz not null,
  timeout_ms integer not null,
  -- pg_net's request id; null when the call could not be sent (e.g. a missing Vault secret).
  request_id bigint,
  outcome text not null default 'pending' check (outcome in ('pending', 'succeeded', 'failed')),
  status_code integer,
  error text,
  resolved_at timestamptz,
  -- The failed sync_log row the scheduler wrote, when the function recorded none itself.
  sync_log_id bigint,
  check ((reason = 'nightly') = (nightly_date is not null))
);

create unique index if not exists scheduled_calls_one_nightly_per_date
  on sync_private.scheduled_calls (entity, nightly_date) where nightly_date is not null;
create index if not exists scheduled_calls_entity_requested_at
  on sync_private.scheduled_calls (entity, requested_at desc);
create index if not exists scheduled_calls_pending
  on sync_private.scheduled_calls (request_id) where outcome = 'pending';

alter table sync_private.scheduled_calls enable row level security;
revoke all on table sync_private.scheduled_calls from public, anon, authenticated;
-- Only the database owner (cron jobs, migrations) uses this table; the explicit deny documents
-- that and keeps the advisors' "RLS enabled, no policy" notice away.
drop policy if exists "no access through the api" on sync_private.scheduled_calls;
create policy "no access through the api" on sync_private.scheduled_calls
  for all to anon, authenticated using (false) with check (false);
