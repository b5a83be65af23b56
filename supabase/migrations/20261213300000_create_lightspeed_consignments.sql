-- Lightspeed consignments (stock orders, transfers, returns, stocktakes) and their products.
-- A consignment's products come from /consignments/{id}/products, fetched only when the
-- consignment's version changed, and are replaced as a set with it in the page's transaction
-- (README, "Sub-resource children"). Product records carry no id: a product appears once per
-- consignment, so (consignment_id, product_id) is the key.
-- Fields follow Lightspeed's API 2.0 OpenAPI and are UNVERIFIED against a live store (README,
-- "Consignments"): the typed columns are the ones an analyst filters on; `raw` keeps the rest.
create table if not exists public.lightspeed_consignments (
  id uuid primary key,
  -- SUPPLIER (stock order), OUTLET (transfer), RETURN, STOCKTAKE.
  type text,
  -- OPEN, SENT, DISPATCHED, RECEIVED, CANCELLED, STOCKTAKE_* and CLOSED (not a closed list).
  status text,
  -- For orders, the note shown in Lightspeed; `reference` is the order number.
  name text,
  reference text,
  supplier_invoice text,
  -- Where stock is received; a transfer's source outlet; an order's supplier.
  outlet_id uuid,
  source_outlet_id uuid,
  supplier_id uuid,
  consignment_date timestamptz,
  due_at timestamptz,
  received_at timestamptz,
  -- Stocktake results: items and cost over and under the expected level.
  total_count_gain numeric,
  total_cost_gain numeric,
  total_count_loss numeric,
  total_cost_loss numeric,
  created_at timestamptz,
  updated_at timestamptz,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

create index if not exists lightspeed_consignments_type_status_idx
  on public.lightspeed_consignments (type, status);
create index if not exists lightspeed_consignments_outlet_id_idx
  on public.lightspeed_consignments (outlet_id);

create table if not exists public.lightspeed_consignment_products (
  consignment_id uuid not null
    references public.lightspeed_consignments (id) on delete cascade,
  product_id uuid not null,
  product_sku text,
  -- Expected and observed counts and the unit cost, sent as decimal strings ("12.00000").
  count numeric,
  received numeric,
  cost numeric,
  is_included boolean,
  -- PENDING or SUCCESS per the API's description; examples show RECEIVE_SUCCESS.
  status text,
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  version bigint,
  raw jsonb not null,
  synced_at timestamptz not null default now(),
  primary key (consignment_id, product_id)
);

create index if not exists lightspeed_consignment_products_product_id_idx
  on public.lightspeed_consignment_products (product_id);

alter table public.lightspeed_consignments enable row level security;
alter table public.lightspeed_consignment_products enable row level security;

revoke all on table public.lightspeed_consignments, public.lightspeed_consignment_products
  from anon, authenticated;
grant select on table public.lightspeed_consignments, public.lightspeed_consignment_products
  to authenticated;

drop policy if exists "staff read" on public.lightspeed_consignments;
create policy "staff read" on public.lightspeed_consignments
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff read" on public.lightspeed_consignment_products;
create policy "staff read" on public.lightspeed_consignment_products
  for select to authenticated using ((select public.is_staff()));

-- Listed after the lookup entities, whatever their number (the registry's order).
insert into public.sync_entities (entity, sort_order, label, table_name, child_tables)
values ('consignments', 200, 'Consignments', 'lightspeed_consignments',
  '{lightspeed_consignment_products}')
on conflict (entity) do nothing;
