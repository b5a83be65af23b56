-- One row per run. A run starts as 'running' and ends truthfully: a run that failed, or
-- stopped without finishing, is never recorded as a success.
create table if not exists public.sync_log (
  id bigint generated always as identity primary key,
  entity text not null,
  trigger text not null default 'manual'
    check (trigger in ('schedule', 'manual', 'import', 'dashboard', 'overlap')),
  import_id uuid,
  status text not null default 'running'
    check (status in ('running', 'completed', 'partial', 'failed', 'skipped')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms integer,
  pages integer not null default 0,
  records_received integer not null default 0,
  records_inserted integer not null default 0,
  records_updated integer not null default 0,
  records_unchanged integer not null default 0,
  records_rejected integer not null default 0,
  requests integer not null default 0,
  rate_limited integer not null default 0,
  cursor_start bigint,
  cursor_end bigint,
  error text
);

create index if not exists sync_log_entity_started_at_idx on public.sync_log (entity, started_at desc);
create index if not exists sync_log_started_at_idx on public.sync_log (started_at desc);
create index if not exists sync_log_running_idx on public.sync_log (entity) where status = 'running';

alter table public.sync_log enable row level security;

revoke all on table public.sync_log from anon, authenticated;
grant select on table public.sync_log to authenticated;

drop policy if exists "staff read" on public.sync_log;
create policy "staff read" on public.sync_log
  for select to authenticated using ((select public.is_staff()));
