-- The entities the product syncs, one row each: the list that settings rows, sync_status and
-- the dashboard read instead of naming entities. It mirrors the registry
-- (supabase/functions/_shared/entities/registry.ts): each entity's own migration inserts its
-- row after creating its tables, and registry_schema_test.ts fails when the two disagree.
create table if not exists public.sync_entities (
  entity text primary key,
  -- Where status views and the dashboard list it: the registry's order.
  sort_order integer not null unique,
  -- What the dashboard calls it.
  label text not null,
  -- The table in public its records land in (id, version, deleted_at, raw, synced_at and the
  -- registry's columns), and the tables of its embedded records.
  table_name text not null unique,
  child_tables text[] not null default '{}',
  constraint sync_entities_entity_shape check (entity ~ '^[a-z][a-z0-9_]*$'),
  constraint sync_entities_table_shape check (table_name ~ '^[a-z][a-z0-9_]*$'),
  constraint sync_entities_label_present check (btrim(label) <> '')
);

alter table public.sync_entities enable row level security;

-- Written by migrations only; staff read it through sync_status.
revoke all on table public.sync_entities from anon, authenticated;
grant select on table public.sync_entities to authenticated;

drop policy if exists "staff read" on public.sync_entities;
create policy "staff read" on public.sync_entities
  for select to authenticated using ((select public.is_staff()));
