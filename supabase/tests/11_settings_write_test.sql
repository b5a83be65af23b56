-- The dashboard's one write path: staff update operator-facing columns of sync_settings.
-- Column grants limit what can change; the staff policy limits who.
begin;
set local search_path = public, extensions;
select plan(12);

insert into auth.users (id, email) values
  ('11000000-0000-4000-8000-000000000001', 'pgtap-settings-staff@example.com'),
  ('11000000-0000-4000-8000-000000000002', 'pgtap-settings-visitor@example.com');
insert into public.staff_members (user_id, email)
  values ('11000000-0000-4000-8000-000000000001', 'pgtap-settings-staff@example.com');
insert into public.sync_settings (entity) values ('pgtap_settings');

set local role anon;
select throws_ok($$ update public.sync_settings set enabled = false where entity = 'pgtap_settings' $$,
  '42501', null, 'anon cannot update settings');
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub": "11000000-0000-4000-8000-000000000002", "role": "authenticated"}';
update public.sync_settings set enabled = false where entity = 'pgtap_settings';
reset role;
select is((select enabled from public.sync_settings where entity = 'pgtap_settings'), true,
  'a non-staff update changes nothing');

set local role authenticated;
set local request.jwt.claims = '{"sub": "11000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select lives_ok(
  $$ update public.sync_settings set enabled = false, yellow_after = '30 minutes',
       red_after = '3 hours' where entity = 'pgtap_settings' $$,
  'staff can pause and change thresholds');
select results_eq(
  $$ select enabled, yellow_after, red_after from public.sync_settings
     where entity = 'pgtap_settings' $$,
  $$ values (false, interval '30 minutes', interval '3 hours') $$,
  'the staff update is stored');
select throws_ok($$ update public.sync_settings set entity = 'other' where entity = 'pgtap_settings' $$,
  '42501', null, 'staff cannot rename an entity');
select throws_ok(
  $$ update public.sync_settings set updated_at = now() - interval '1 day'
     where entity = 'pgtap_settings' $$,
  '42501', null, 'staff cannot forge updated_at');
select throws_ok($$ insert into public.sync_settings (entity) values ('pgtap_new') $$,
  '42501', null, 'staff cannot add entities');
select throws_ok($$ delete from public.sync_settings where entity = 'pgtap_settings' $$,
  '42501', null, 'staff cannot delete settings');
select throws_ok(
  $$ update public.sync_settings set yellow_after = '5 hours', red_after = '1 hour'
     where entity = 'pgtap_settings' $$,
  '23514', null, 'thresholds must stay ordered (yellow before red)');
select throws_ok($$ update public.sync_state set cursor = 0 where entity = 'pgtap_settings' $$,
  '42501', null, 'staff cannot move a cursor');
select throws_ok($$ update public.sync_log set status = 'completed' $$,
  '42501', null, 'staff cannot rewrite run history');
select throws_ok($$ update public.sync_rejects set resolved_at = now() $$,
  '42501', null, 'staff cannot resolve rejects by hand');
reset role;

select * from finish();
rollback;
