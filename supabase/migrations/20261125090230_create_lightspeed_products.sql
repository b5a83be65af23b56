-- Lightspeed products: typed columns analysts use, plus the record exactly as received.
-- No foreign keys to other synced tables: entities arrive in any order.
create table if not exists public.lightspeed_products (
  id uuid primary key,
  name text,
  description text,
  handle text,
  sku text,
  source text,
  active boolean,
  has_inventory boolean,
  is_composite boolean,
  has_variants boolean,
  variant_parent_id uuid,
  variant_name text,
  price_including_tax numeric,
  price_excluding_tax numeric,
  supply_price numeric,
  supplier_id uuid,
  brand_id uuid,
  product_type_id uuid,
  image_url text,
  created_at timestamptz,
  updated_at timestamptz,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

create index if not exists lightspeed_products_sku_idx on public.lightspeed_products (sku);
create index if not exists lightspeed_products_variant_parent_id_idx
  on public.lightspeed_products (variant_parent_id) where variant_parent_id is not null;

alter table public.lightspeed_products enable row level security;

revoke all on table public.lightspeed_products from anon, authenticated;
grant select on table public.lightspeed_products to authenticated;

drop policy if exists "staff read" on public.lightspeed_products;
create policy "staff read" on public.lightspeed_products
  for select to authenticated
  using ((select public.is_staff()));
