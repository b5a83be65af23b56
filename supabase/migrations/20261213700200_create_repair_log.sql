-- Every repair asked for (README "Repair"): what, by whom (the operator secret, or which staff
-- member with the operator role), how far it got and how it ended. Written by the repair
-- function's database role only; signed-in staff may read it (the dashboard shows it).
create table if not exists public.repair_log (
  id bigint generated always as identity primary key,
  action text not null check (action in ('reread', 'record', 'sales_range', 'rejects')),
  entity text not null check (length(entity) <= 100),
  -- What was asked for: the record id, the local dates and time zone, the rejects' limit.
  params jsonb not null default '{}'::jsonb,
  requested_by text not null check (requested_by in ('operator', 'staff')),
  -- The staff member's Supabase Auth user id; null for the operator secret.
  requested_by_user uuid,
  status text not null default 'running'
    check (status in ('running', 'partial', 'completed', 'failed')),
  -- Counts so far and, for a date range, the offset the next invocation continues from.
  progress jsonb not null default '{}'::jsonb,
  error text,
  -- The last sync_log run (trigger 'repair') that landed its records.
  last_run_id bigint,
  requested_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((requested_by = 'staff') = (requested_by_user is not null))
);

create index if not exists repair_log_requested_at_idx on public.repair_log (requested_at desc);

alter table public.repair_log enable row level security;

revoke all on table public.repair_log from anon, authenticated;
grant select on table public.repair_log to authenticated;
-- The identity sequence gets the schema's default grants: no API role may draw from or set it.
revoke all on sequence public.repair_log_id_seq from anon, authenticated;

drop policy if exists "staff read" on public.repair_log;
create policy "staff read" on public.repair_log
  for select to authenticated using ((select public.is_staff()));
