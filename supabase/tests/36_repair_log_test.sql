-- Repairs (README "Repair"): repair_log is staff-read-only like the other logs, the operator
-- role on staff_members is the operator's to set (staff cannot grant it to themselves), and a
-- repair's run is a sync_log row with trigger 'repair'.
begin;
set local search_path = public, extensions;
select plan(10);

select ok((select relrowsecurity from pg_class where oid = 'public.repair_log'::regclass),
  'repair_log has row level security');
select ok(not has_table_privilege('anon', 'public.repair_log', 'select'),
  'anon has no grant on repair_log');
select ok(not has_table_privilege('authenticated', 'public.repair_log', 'insert, update, delete'),
  'signed-in users cannot write repair_log');
select ok(not has_sequence_privilege('authenticated', 'public.repair_log_id_seq', 'usage, update'),
  'signed-in users cannot draw from repair_log''s sequence');
select ok(not has_column_privilege('authenticated', 'public.staff_members', 'operator', 'update'),
  'staff cannot give themselves the operator role');

insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-000000000031', 'pgtap-repair-staff@example.invalid'),
  ('00000000-0000-4000-8000-000000000032', 'pgtap-repair-visitor@example.invalid');
insert into public.staff_members (user_id, email)
  values ('00000000-0000-4000-8000-000000000031', 'pgtap-repair-staff@example.invalid');
select is((select operator from public.staff_members
  where user_id = '00000000-0000-4000-8000-000000000031'), false,
  'a staff member is not an operator until the operator says so');
insert into public.repair_log (action, entity, requested_by, requested_by_user)
  values ('record', 'sales', 'staff', '00000000-0000-4000-8000-000000000031');
select throws_ok(
  $$ insert into public.repair_log (action, entity, requested_by) values ('record', 'sales', 'staff') $$,
  '23514', null, 'a staff repair names the staff member');
select lives_ok(
  $$ insert into public.sync_log (entity, trigger, status) values ('sales', 'repair', 'completed') $$,
  'sync_log takes the repair trigger');

set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000032", "role": "authenticated"}';
select is_empty('select * from public.repair_log', 'non-staff read no repair');
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000031", "role": "authenticated"}';
select ok((select count(*) from public.repair_log) >= 1, 'staff read the repair log');
reset role;

select * from finish();
rollback;
