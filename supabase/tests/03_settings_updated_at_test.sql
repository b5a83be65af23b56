-- A staff member's settings change stamps updated_at, though staff cannot write that column.
begin;
set local search_path = public, extensions;
select plan(2);

insert into auth.users (id, email)
  values ('00000000-0000-4000-8000-0000000000a1', 'pgtap-touch-staff@example.invalid');
insert into public.staff_members (user_id) values ('00000000-0000-4000-8000-0000000000a1');
update public.sync_settings set updated_at = now() - interval '1 day' where entity = 'sales';

set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-0000000000a1", "role": "authenticated"}';
select lives_ok(
  $$ update public.sync_settings set yellow_after = interval '3 hours' where entity = 'sales' $$,
  'staff change a threshold');
reset role;

select ok(
  (select updated_at > now() - interval '1 minute' from public.sync_settings where entity = 'sales'),
  'updated_at records the change');

select * from finish();
rollback;
