-- Row-level security: anon and signed-in non-staff users read nothing; staff read everything.
begin;
set local search_path = public, extensions;
select plan(14);

select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname in ('public', 'sync_private') and c.relkind = 'r' and not c.relrowsecurity),
  0, 'every table in public and sync_private has RLS enabled');

insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-000000000001', 'pgtap-rls-staff@example.invalid'),
  ('00000000-0000-4000-8000-000000000002', 'pgtap-rls-visitor@example.invalid');
insert into public.staff_members (user_id, email)
  values ('00000000-0000-4000-8000-000000000001', 'pgtap-rls-staff@example.invalid');

insert into public.lightspeed_sales (id, version, raw, status)
  values ('f9e8d7c6-b5a4-ff38-9e8d-7c6b5a4f3e2d', 4294967396, '{}', 'CLOSED');
insert into public.lightspeed_customers (id, version, raw, first_name)
  values ('a9e8d7c6-b5a4-ff38-9e8d-7c6b5a4f3e2d', 4294967397, '{}', 'Ada');
insert into public.sync_state (entity, cursor) values ('sales', 4294967396)
  on conflict (entity) do nothing;
-- The local database is shared with other suites: staff must see every row there is.
select count(*) as sales_total from public.lightspeed_sales \gset
select count(*) as state_total from public.sync_state \gset
insert into public.sync_log (entity, status) values ('sales', 'completed');

-- anon: no grants at all.
set local role anon;
select throws_ok('select * from public.lightspeed_sales', '42501', null, 'anon cannot read sales');
select throws_ok('select * from public.lightspeed_customers', '42501', null,
  'anon cannot read customers');
select throws_ok('select * from public.sync_log', '42501', null, 'anon cannot read sync_log');
select throws_ok('select * from public.sync_state', '42501', null, 'anon cannot read sync_state');
select throws_ok('select * from public.staff_members', '42501', null,
  'anon cannot read the staff list');
reset role;

-- Signed in, not on the staff list.
set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000002", "role": "authenticated"}';
select is_empty('select * from public.lightspeed_sales', 'non-staff see no sales');
select is_empty('select * from public.lightspeed_customers', 'non-staff see no customers');
select is_empty('select * from public.sync_log', 'non-staff see no sync_log');
select is_empty('select * from public.staff_members', 'non-staff do not see the staff list');
select is(public.is_staff(), false, 'is_staff() is false for non-staff');
reset role;

-- Staff.
set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select is((select count(*) from public.lightspeed_sales), :sales_total::bigint, 'staff read every sale');
select is((select count(*) from public.sync_state), :state_total::bigint, 'staff read sync_state');
select throws_ok(
  $$ insert into public.lightspeed_sales (id, version, raw)
     values ('b9e8d7c6-b5a4-ff38-9e8d-7c6b5a4f3e2d', 1, '{}') $$,
  '42501', null, 'staff cannot write synced data');
reset role;

select * from finish();
rollback;
