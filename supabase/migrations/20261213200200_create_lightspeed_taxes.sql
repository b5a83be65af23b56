-- Lightspeed taxes (sale line items' tax_id). `rate` is unverified: the API 2.0 schema
-- lists rates only in raw->'rates'.
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_taxes (
  id uuid primary key,
  name text,
  display_name text,
  is_default boolean,
  rate numeric,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_taxes enable row level security;

revoke all on table public.lightspeed_taxes from anon, authenticated;
grant select on table public.lightspeed_taxes to authenticated;

drop policy if exists "staff read" on public.lightspeed_taxes;
create policy "staff read" on public.lightspeed_taxes
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('taxes', 90, 'Taxes', 'lightspeed_taxes')
on conflict (entity) do nothing;
