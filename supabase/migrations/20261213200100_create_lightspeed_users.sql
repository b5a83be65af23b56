-- Lightspeed users: the staff who make sales (sales.user_id, line items' salesperson_id).
-- Typed columns analysts filter on, plus the record exactly as received; no foreign keys to
-- other synced tables (entities arrive in any order). The row in public.sync_entities gives it
-- its settings row, so the scheduler syncs it from the next minute.
create table if not exists public.lightspeed_users (
  id uuid primary key,
  username text,
  display_name text,
  email text,
  account_type text,
  is_primary_user boolean,
  restricted_outlet_id uuid,
  target_daily numeric,
  target_weekly numeric,
  target_monthly numeric,
  created_at timestamptz,
  updated_at timestamptz,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

alter table public.lightspeed_users enable row level security;

revoke all on table public.lightspeed_users from anon, authenticated;
grant select on table public.lightspeed_users to authenticated;

drop policy if exists "staff read" on public.lightspeed_users;
create policy "staff read" on public.lightspeed_users
  for select to authenticated
  using ((select public.is_staff()));

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('users', 80, 'Users', 'lightspeed_users')
on conflict (entity) do nothing;
