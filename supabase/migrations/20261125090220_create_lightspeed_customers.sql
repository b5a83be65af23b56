-- Lightspeed customers: typed columns analysts use, plus the record exactly as received.
-- No foreign keys to other synced tables: entities arrive in any order.
create table if not exists public.lightspeed_customers (
  id uuid primary key,
  customer_code text,
  first_name text,
  last_name text,
  name text,
  email text,
  phone text,
  mobile text,
  company_name text,
  customer_group_id uuid,
  gender text,
  date_of_birth date,
  note text,
  do_not_email boolean,
  enable_loyalty boolean,
  physical_city text,
  physical_postcode text,
  physical_country_id text,
  year_to_date numeric,
  balance numeric,
  loyalty_balance numeric,
  on_account_limit numeric,
  created_at timestamptz,
  updated_at timestamptz,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

create index if not exists lightspeed_customers_email_idx on public.lightspeed_customers (lower(email));
create index if not exists lightspeed_customers_customer_code_idx on public.lightspeed_customers (customer_code);

alter table public.lightspeed_customers enable row level security;

revoke all on table public.lightspeed_customers from anon, authenticated;
grant select on table public.lightspeed_customers to authenticated;

drop policy if exists "staff read" on public.lightspeed_customers;
create policy "staff read" on public.lightspeed_customers
  for select to authenticated
  using ((select public.is_staff()));
