-- Lightspeed payment types (sale payments' retailer_payment_type_id).
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_payment_types (
  id uuid primary key,
  name text,
  type_id integer,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_payment_types enable row level security;

revoke all on table public.lightspeed_payment_types from anon, authenticated;
grant select on table public.lightspeed_payment_types to authenticated;

drop policy if exists "staff read" on public.lightspeed_payment_types;
create policy "staff read" on public.lightspeed_payment_types
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('payment_types', 100, 'Payment types', 'lightspeed_payment_types')
on conflict (entity) do nothing;
