-- public.sync_entities, the database's copy of the entity registry: registering an entity (one
-- insert in its own migration) gives it its settings row, a sync_status row with its label and
-- its live-record count, with no other view or table to edit. Staff-only like the rest.
begin;
set local search_path = public, extensions;
select plan(20);

select ok((select relrowsecurity from pg_class where oid = 'public.sync_entities'::regclass),
  'sync_entities has row level security');
select ok(not has_table_privilege('anon', 'public.sync_entities', 'select'),
  'anon has no grant on sync_entities');
select ok(not has_table_privilege('authenticated', 'public.sync_entities', 'insert, update, delete'),
  'authenticated cannot change the entity list');
select ok(not has_function_privilege('anon', 'public.sync_entity_records(text)', 'execute'),
  'anon cannot execute sync_entity_records');

-- Entities added later register themselves after these; this file names no other.
select results_eq(
  $$ select entity from public.sync_entities
     where entity in ('outlets', 'registers', 'customers', 'products', 'sales', 'inventory')
     order by sort_order $$,
  $$ values ('outlets'), ('registers'), ('customers'), ('products'), ('sales'), ('inventory') $$,
  'the six entities synced before the list existed are registered in the registry''s order');
select is_empty(
  $$ select t from public.sync_entities, unnest(array[table_name] || child_tables) as t
     where to_regclass('public.' || t) is null $$,
  'every registered table and child table exists in public');
select is_empty(
  $$ select t from public.sync_entities, unnest(array[table_name] || child_tables) as t
     join pg_class as c on c.oid = to_regclass('public.' || t)
     where not c.relrowsecurity $$,
  'every registered table and child table has row level security');
select is_empty(
  $$ select entity from public.sync_entities
     except select entity from public.sync_settings $$,
  'every registered entity has a settings row');

-- A throw-away entity, registered as an entity's migration does it; the schedule on, so its
-- health is its freshness colour.
update public.sync_schedule set enabled = true;
create table public.lightspeed_pgtap_widgets (
  id uuid primary key,
  name text,
  version bigint not null,
  deleted_at timestamptz,
  raw jsonb not null,
  synced_at timestamptz not null default now()
);
alter table public.lightspeed_pgtap_widgets enable row level security;
create policy "staff read" on public.lightspeed_pgtap_widgets
  for select to authenticated using ((select public.is_staff()));
grant select on table public.lightspeed_pgtap_widgets to authenticated;
insert into public.lightspeed_pgtap_widgets (id, name, version, deleted_at, raw) values
  ('35000000-0000-4000-8000-000000000001', 'kept', 1, null, '{}'),
  ('35000000-0000-4000-8000-000000000002', 'kept too', 2, null, '{}'),
  ('35000000-0000-4000-8000-000000000003', 'deleted', 3, now(), '{}');

insert into public.sync_entities (entity, sort_order, label, table_name)
values ('pgtap_widgets', 1000, 'Widgets', 'lightspeed_pgtap_widgets');

select results_eq(
  $$ select enabled, yellow_after, red_after from public.sync_settings
     where entity = 'pgtap_widgets' $$,
  $$ values (true, interval '2 hours', interval '12 hours') $$,
  'registering an entity creates its settings row with the defaults');

-- An operator's settings row made before the entity is registered is kept as it is.
insert into public.sync_settings (entity, enabled) values ('pgtap_paused_first', false);
insert into public.sync_entities (entity, sort_order, label, table_name)
values ('pgtap_paused_first', 1001, 'Paused first', 'lightspeed_pgtap_widgets_copy');
select is((select enabled from public.sync_settings where entity = 'pgtap_paused_first'), false,
  'registering keeps an existing settings row');

select is(public.sync_entity_records('pgtap_widgets'), 2::bigint,
  'sync_entity_records counts the rows not deleted at the source');
select is(public.sync_entity_records('pgtap_not_registered'), null::bigint,
  'sync_entity_records is null for a name that is not registered');
select is(public.sync_entity_records('pgtap_paused_first'), null::bigint,
  'sync_entity_records is null, not an error, while the table is missing');

select throws_ok(
  $$ insert into public.sync_entities (entity, sort_order, label, table_name)
     values ('pgtap_bad', 1002, 'Bad', 'x; drop table public.sync_state') $$,
  '23514', null, 'a table name must be a plain lower-case identifier');
select throws_ok(
  $$ insert into public.sync_entities (entity, sort_order, label, table_name)
     values ('pgtap_same_place', 10, 'Same place', 'lightspeed_pgtap_other') $$,
  '23505', null, 'two entities cannot share a place in the order');

-- The whole list as its owner sees it, to compare with what staff see.
create schema pgtap_sync_entities;
grant usage on schema pgtap_sync_entities to authenticated;
create table pgtap_sync_entities.registered as
  select entity, sort_order from public.sync_entities;
grant select on pgtap_sync_entities.registered to authenticated;

insert into auth.users (id, email) values
  ('35000000-0000-4000-8000-00000000000a', 'pgtap-entities-staff@example.com'),
  ('35000000-0000-4000-8000-00000000000b', 'pgtap-entities-visitor@example.com');
insert into public.staff_members (user_id, email)
  values ('35000000-0000-4000-8000-00000000000a', 'pgtap-entities-staff@example.com');

set local role authenticated;
set local request.jwt.claims = '{"sub": "35000000-0000-4000-8000-00000000000a", "role": "authenticated"}';
select results_eq(
  $$ select label, sort_order, records, health from public.sync_status
     where entity = 'pgtap_widgets' $$,
  $$ values ('Widgets'::text, 1000, 2::bigint, 'red'::text) $$,
  'staff see the new entity in sync_status with its label, place and record count');
select results_eq(
  $$ select entity from public.sync_status where sort_order is not null order by sort_order $$,
  $$ select entity from pgtap_sync_entities.registered order by sort_order $$,
  'sync_status lists every registered entity, in the registered order');
select set_eq(
  $$ select entity from public.sync_entities $$,
  $$ select entity from pgtap_sync_entities.registered $$,
  'staff read the whole entity list');
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub": "35000000-0000-4000-8000-00000000000b", "role": "authenticated"}';
select is_empty($$ select * from public.sync_entities $$,
  'a signed-in user who is not staff reads no entity');
select is(public.sync_entity_records('pgtap_widgets'), null::bigint,
  'a signed-in user who is not staff learns no count (the entity list is hidden from them)');
reset role;

select * from finish();
rollback;
