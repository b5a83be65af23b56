-- One row per entity: where its cursor stands, who holds it, and how its import is going.
-- The cursor is written in the same transaction as the rows it covers.
create table if not exists public.sync_state (
  entity text primary key,
  cursor bigint not null default 0 check (cursor >= 0),
  -- Lease: at most one run works on an entity; a crashed run's lease simply expires.
  lease_owner uuid,
  lease_expires_at timestamptz,
  -- Historical import progress (null when no import was ever started).
  import_id uuid,
  import_status text check (import_status in ('running', 'completed', 'failed')),
  import_started_at timestamptz,
  import_completed_at timestamptz,
  import_records bigint not null default 0,
  import_pages bigint not null default 0,
  -- Outcome of the latest run.
  last_run_id bigint,
  last_run_at timestamptz,
  last_status text check (last_status in ('running', 'completed', 'partial', 'failed', 'skipped')),
  last_success_at timestamptz,
  last_error text,
  last_overlap_at timestamptz,
  updated_at timestamptz not null default now()
);

alter table public.sync_state enable row level security;

revoke all on table public.sync_state from anon, authenticated;
grant select on table public.sync_state to authenticated;

drop policy if exists "staff read" on public.sync_state;
create policy "staff read" on public.sync_state
  for select to authenticated using ((select public.is_staff()));
