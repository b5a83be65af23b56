-- The optional second-factor requirement: with staff_sign_in_policy.require_aal2 on, staff
-- read synced data only with an aal2 token; off, aal1 is enough. Only the operator changes it.
begin;
set local search_path = public, extensions;
select plan(9);

insert into auth.users (id, email) values
  ('12000000-0000-4000-8000-000000000001', 'pgtap-aal2-staff@example.invalid'),
  ('12000000-0000-4000-8000-000000000002', 'pgtap-aal2-visitor@example.invalid');
insert into public.staff_members (user_id, email)
  values ('12000000-0000-4000-8000-000000000001', 'pgtap-aal2-staff@example.invalid');
insert into public.sync_settings (entity) values ('pgtap_aal2');
update public.staff_sign_in_policy set require_aal2 = false;

set local role authenticated;
set local request.jwt.claims =
  '{"sub": "12000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal1"}';
select is((select count(*)::int from public.sync_settings where entity = 'pgtap_aal2'), 1,
  'requirement off: staff at aal1 read settings');
select throws_ok($$ update public.staff_sign_in_policy set require_aal2 = true $$,
  '42501', null, 'staff cannot change the sign-in policy');
reset role;

update public.staff_sign_in_policy set require_aal2 = true;

set local role authenticated;
set local request.jwt.claims =
  '{"sub": "12000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal1"}';
select is((select count(*)::int from public.sync_settings where entity = 'pgtap_aal2'), 0,
  'requirement on: staff at aal1 read nothing');
select is(public.is_staff(), false, 'requirement on: aal1 is not staff');
select is((select require_aal2 from public.staff_sign_in_policy), true,
  'staff at aal1 still read the policy, so the dashboard can ask for a code');
update public.sync_settings set enabled = false where entity = 'pgtap_aal2';
set local request.jwt.claims =
  '{"sub": "12000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}';
select is((select enabled from public.sync_settings where entity = 'pgtap_aal2'), true,
  'requirement on: an aal1 update changed nothing');
select is((select count(*)::int from public.sync_settings where entity = 'pgtap_aal2'), 1,
  'requirement on: staff at aal2 read settings');
set local request.jwt.claims =
  '{"sub": "12000000-0000-4000-8000-000000000002", "role": "authenticated", "aal": "aal2"}';
select is((select count(*)::int from public.staff_sign_in_policy), 0,
  'a non-staff user reads no policy row');
reset role;

set local role anon;
select throws_ok($$ select * from public.staff_sign_in_policy $$, '42501', null,
  'anon cannot read the policy');
reset role;

select * from finish();
rollback;
