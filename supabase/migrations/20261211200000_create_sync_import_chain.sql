-- The historical import's chain: import-history runs in slices, each handing itself to the next
-- invocation. At most one chain may run; its token is taken when it starts (in the same
-- transaction that marks the entities running) and carried by every hand-over, and a slice
-- whose token is no longer this row's stops at once. The token is not a credential: a
-- hand-over is accepted from the operator secret only, so staff may read it.
create table if not exists public.sync_import_chain (
  -- A singleton, like sync_scheduler_heartbeat: the row is locked to start a chain.
  id boolean primary key default true check (id),
  -- The running chain's token; null when no chain runs.
  token uuid,
  -- The import the chain works on (sync_state.import_id).
  import_id uuid,
  -- When the chain started (or took over from a silent one).
  started_at timestamptz,
  -- The chain's last sign of life: its start, and each slice's start and hand-over.
  seen_at timestamptz,
  -- Hand-overs accepted since the chain started.
  handovers integer not null default 0 check (handovers >= 0),
  -- When the chain last ended: every entity done, or replaced by a restart.
  ended_at timestamptz
);

insert into public.sync_import_chain (id) values (true) on conflict (id) do nothing;

alter table public.sync_import_chain enable row level security;

revoke all on table public.sync_import_chain from anon, authenticated;
grant select on table public.sync_import_chain to authenticated;

drop policy if exists "staff read" on public.sync_import_chain;
create policy "staff read" on public.sync_import_chain
  for select to authenticated using ((select public.is_staff()));
