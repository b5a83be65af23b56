-- Lightspeed registers: typed columns analysts use, plus the record exactly as received.
-- No foreign keys to other synced tables: entities arrive in any order.
create table if not exists public.lightspeed_registers (
  id uuid primary key,
  name text,
  outlet_id uuid,
  is_open boolean,
  register_open_time timestamptz,
  register_close_time timestamptz,
  register_open_sequence_id text,
  invoice_prefix text,
  invoice_suffix text,
  invoice_sequence bigint,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);

create index if not exists lightspeed_registers_outlet_id_idx on public.lightspeed_registers (outlet_id);

alter table public.lightspeed_registers enable row level security;

revoke all on table public.lightspeed_registers from anon, authenticated;
grant select on table public.lightspeed_registers to authenticated;

drop policy if exists "staff read" on public.lightspeed_registers;
create policy "staff read" on public.lightspeed_registers
  for select to authenticated
  using ((select public.is_staff()));
