-- Per-entity settings an operator changes with SQL or from the dashboard: pause, freshness
-- thresholds for health, and the overlap re-read that catches late-committed lower versions.
create table if not exists public.sync_settings (
  entity text primary key,
  enabled boolean not null default true,
  yellow_after interval not null default interval '2 hours',
  red_after interval not null default interval '12 hours',
  -- How often a run re-reads from an earlier cursor, and how far back it goes.
  overlap_every interval not null default interval '24 hours',
  overlap_window interval not null default interval '24 hours',
  updated_at timestamptz not null default now(),
  check (yellow_after > interval '0' and red_after > yellow_after),
  check (overlap_every > interval '0' and overlap_window >= interval '0')
);

insert into public.sync_settings (entity)
values ('outlets'), ('registers'), ('customers'), ('products'), ('sales'), ('inventory')
on conflict (entity) do nothing;

alter table public.sync_settings enable row level security;

revoke all on table public.sync_settings from anon, authenticated;
grant select on table public.sync_settings to authenticated;
-- Staff may change only the operator-facing columns.
grant update (enabled, yellow_after, red_after, overlap_every, overlap_window)
  on table public.sync_settings to authenticated;

drop policy if exists "staff read" on public.sync_settings;
create policy "staff read" on public.sync_settings
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff update" on public.sync_settings;
create policy "staff update" on public.sync_settings
  for update to authenticated
  using ((select public.is_staff()))
  with check ((select public.is_staff()));
