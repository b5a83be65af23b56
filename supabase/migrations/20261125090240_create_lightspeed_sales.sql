-- Lightspeed sales with their line items and payments as child tables. A sale's children are
-- replaced as a set whenever a newer version of the sale lands, so lines removed at the source
-- disappear here too. Children reference their sale (written in the same transaction); nothing
-- references other synced entities, which arrive in any order.
create table if not exists public.lightspeed_sales (
  id uuid primary key,
  outlet_id uuid,
  register_id uuid,
  user_id uuid,
  customer_id uuid,
  invoice_number text,
  invoice_sequence bigint,
  receipt_number text,
  short_code text,
  source text,
  source_id text,
  status text,
  note text,
  return_for uuid,
  total_price numeric,
  total_tax numeric,
  total_loyalty numeric,
  sale_date timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

create index if not exists lightspeed_sales_sale_date_idx on public.lightspeed_sales (sale_date);
create index if not exists lightspeed_sales_outlet_id_sale_date_idx
  on public.lightspeed_sales (outlet_id, sale_date);
create index if not exists lightspeed_sales_customer_id_idx
  on public.lightspeed_sales (customer_id) where customer_id is not null;
create index if not exists lightspeed_sales_status_idx on public.lightspeed_sales (status);

create table if not exists public.lightspeed_sale_line_items (
  sale_id uuid not null references public.lightspeed_sales (id) on delete cascade,
  id uuid not null,
  product_id uuid,
  tax_id uuid,
  quantity numeric,
  price numeric,
  discount numeric,
  cost numeric,
  loyalty_value numeric,
  price_total numeric,
  discount_total numeric,
  cost_total numeric,
  tax_total numeric,
  price_set boolean,
  sequence integer,
  note text,
  status text,
  is_return boolean,
  salesperson_id uuid,
  raw jsonb not null,
  synced_at timestamptz not null default now(),
  primary key (sale_id, id)
);

create index if not exists lightspeed_sale_line_items_product_id_idx
  on public.lightspeed_sale_line_items (product_id);

create table if not exists public.lightspeed_sale_payments (
  sale_id uuid not null references public.lightspeed_sales (id) on delete cascade,
  id uuid not null,
  register_id uuid,
  outlet_id uuid,
  retailer_payment_type_id uuid,
  payment_type_id text,
  name text,
  amount numeric,
  payment_date timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now(),
  primary key (sale_id, id)
);

create index if not exists lightspeed_sale_payments_payment_date_idx
  on public.lightspeed_sale_payments (payment_date);

alter table public.lightspeed_sales enable row level security;
alter table public.lightspeed_sale_line_items enable row level security;
alter table public.lightspeed_sale_payments enable row level security;

revoke all on table public.lightspeed_sales, public.lightspeed_sale_line_items,
  public.lightspeed_sale_payments from anon, authenticated;
grant select on table public.lightspeed_sales, public.lightspeed_sale_line_items,
  public.lightspeed_sale_payments to authenticated;

drop policy if exists "staff read" on public.lightspeed_sales;
create policy "staff read" on public.lightspeed_sales
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff read" on public.lightspeed_sale_line_items;
create policy "staff read" on public.lightspeed_sale_line_items
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff read" on public.lightspeed_sale_payments;
create policy "staff read" on public.lightspeed_sale_payments
  for select to authenticated using ((select public.is_staff()));
