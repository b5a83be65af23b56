-- Lightspeed brands (products.brand_id). `description` is unverified in listed records.
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_brands (
  id uuid primary key,
  name text,
  description text,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_brands enable row level security;

revoke all on table public.lightspeed_brands from anon, authenticated;
grant select on table public.lightspeed_brands to authenticated;

drop policy if exists "staff read" on public.lightspeed_brands;
create policy "staff read" on public.lightspeed_brands
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('brands', 120, 'Brands', 'lightspeed_brands')
on conflict (entity) do nothing;
