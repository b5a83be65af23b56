-- Lightspeed inventory: typed columns analysts use, plus the record exactly as received.
-- No foreign keys to other synced tables: entities arrive in any order.
create table if not exists public.lightspeed_inventory (
  id uuid primary key,
  product_id uuid,
  outlet_id uuid,
  inventory_level numeric,
  current_amount numeric,
  average_cost numeric,
  reorder_point numeric,
  reorder_amount numeric,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

create index if not exists lightspeed_inventory_product_id_idx on public.lightspeed_inventory (product_id);
create index if not exists lightspeed_inventory_outlet_id_idx on public.lightspeed_inventory (outlet_id);

alter table public.lightspeed_inventory enable row level security;

revoke all on table public.lightspeed_inventory from anon, authenticated;
grant select on table public.lightspeed_inventory to authenticated;

drop policy if exists "staff read" on public.lightspeed_inventory;
create policy "staff read" on public.lightspeed_inventory
  for select to authenticated
  using ((select public.is_staff()));
