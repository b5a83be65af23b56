-- Lightspeed product tags (products.tag_ids).
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_tags (
  id uuid primary key,
  name text,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_tags enable row level security;

revoke all on table public.lightspeed_tags from anon, authenticated;
grant select on table public.lightspeed_tags to authenticated;

drop policy if exists "staff read" on public.lightspeed_tags;
create policy "staff read" on public.lightspeed_tags
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('tags', 140, 'Tags', 'lightspeed_tags')
on conflict (entity) do nothing;
