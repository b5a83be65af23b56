-- Lightspeed outlet taxes: the tax a product takes in an outlet. Its records have no id, so
-- the outlet and the product are the key (the registry's `key`).
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_outlet_taxes (
  outlet_id uuid not null,
  product_id uuid not null,
  tax_id uuid,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now(),
  primary key (outlet_id, product_id)
);

create index if not exists lightspeed_outlet_taxes_tax_id_idx on public.lightspeed_outlet_taxes (tax_id);

alter table public.lightspeed_outlet_taxes enable row level security;

revoke all on table public.lightspeed_outlet_taxes from anon, authenticated;
grant select on table public.lightspeed_outlet_taxes to authenticated;

drop policy if exists "staff read" on public.lightspeed_outlet_taxes;
create policy "staff read" on public.lightspeed_outlet_taxes
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('outlet_taxes', 110, 'Outlet taxes', 'lightspeed_outlet_taxes')
on conflict (entity) do nothing;
