-- Lightspeed outlets: typed columns analysts use, plus the record exactly as received.
-- No foreign keys to other synced tables: entities arrive in any order.
create table if not exists public.lightspeed_outlets (
  id uuid primary key,
  name text,
  time_zone text,
  currency text,
  currency_symbol text,
  display_prices text,
  email text,
  physical_city text,
  physical_postcode text,
  physical_country_id text,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_outlets enable row level security;

revoke all on table public.lightspeed_outlets from anon, authenticated;
grant select on table public.lightspeed_outlets to authenticated;

drop policy if exists "staff read" on public.lightspeed_outlets;
create policy "staff read" on public.lightspeed_outlets
  for select to authenticated
  using ((select public.is_staff()));
