-- Lightspeed customer groups (customers.customer_group_id).
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_customer_groups (
  id uuid primary key,
  name text,
  group_id text,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_customer_groups enable row level security;

revoke all on table public.lightspeed_customer_groups from anon, authenticated;
grant select on table public.lightspeed_customer_groups to authenticated;

drop policy if exists "staff read" on public.lightspeed_customer_groups;
create policy "staff read" on public.lightspeed_customer_groups
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('customer_groups', 70, 'Customer groups', 'lightspeed_customer_groups')
on conflict (entity) do nothing;
