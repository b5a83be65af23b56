-- Records the sync could not store as typed rows, kept with the reason and the raw payload so
-- nothing is dropped silently. A later valid version of the same record resolves its reject.
create table if not exists public.sync_rejects (
  id bigint generated always as identity primary key,
  entity text not null,
  record_id text,
  version bigint,
  reason text not null,
  raw jsonb not null,
  -- Identifies a reject across runs: the record id when known, else the payload itself.
  record_key text generated always as (coalesce(record_id, 'md5:' || md5(raw::text))) stored,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  seen_count integer not null default 1,
  last_run_id bigint,
  resolved_at timestamptz
);

create unique index if not exists sync_rejects_entity_record_key_idx
  on public.sync_rejects (entity, record_key);
create index if not exists sync_rejects_open_idx
  on public.sync_rejects (entity, last_seen_at desc) where resolved_at is null;

alter table public.sync_rejects enable row level security;

revoke all on table public.sync_rejects from anon, authenticated;
grant select on table public.sync_rejects to authenticated;

drop policy if exists "staff read" on public.sync_rejects;
create policy "staff read" on public.sync_rejects
  for select to authenticated using ((select public.is_staff()));
