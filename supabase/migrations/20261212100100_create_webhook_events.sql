-- What the lightspeed-webhook function received (README § Near-real-time): one row per type,
-- record and version, counting its deliveries (Lightspeed retries and may send twice). Only
-- the type, the record's id and its version are kept: the payload is a hint, never data.
-- Written by the function's database role only; signed-in staff may read it (the dashboard).
create table if not exists public.webhook_events (
  id bigint generated always as identity primary key,
  type text not null check (length(type) <= 100),
  entity text not null check (length(entity) <= 100),
  record_id text not null check (length(record_id) between 1 and 100),
  -- Null when the payload carried no usable version.
  version bigint,
  first_received_at timestamptz not null default now(),
  last_received_at timestamptz not null default now(),
  delivery_count integer not null default 1
);

create unique index if not exists webhook_events_delivery_key
  on public.webhook_events (type, record_id, coalesce(version, -1));
create index if not exists webhook_events_entity_received_idx
  on public.webhook_events (entity, last_received_at desc);

-- Deliveries refused (bad token, signature, body, unknown type), counted by reason: they change
-- nothing else, and a storm of them is one row per reason.
create table if not exists public.webhook_rejections (
  reason text primary key check (length(reason) <= 100),
  count bigint not null default 0,
  last_at timestamptz not null default now()
);

alter table public.webhook_events enable row level security;
alter table public.webhook_rejections enable row level security;

revoke all on table public.webhook_events from anon, authenticated;
revoke all on table public.webhook_rejections from anon, authenticated;
grant select on table public.webhook_events to authenticated;
-- The identity sequence gets the schema's default grants: no API role may draw from or set it.
revoke all on sequence public.webhook_events_id_seq from anon, authenticated;
grant select on table public.webhook_rejections to authenticated;

drop policy if exists "staff read" on public.webhook_events;
create policy "staff read" on public.webhook_events
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff read" on public.webhook_rejections;
create policy "staff read" on public.webhook_rejections
  for select to authenticated using ((select public.is_staff()));
