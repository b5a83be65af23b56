-- The scheduler's heartbeat: every dispatcher run stamps it (enabled or not), a run that raises
-- does not, and the shared rule turns the scheduler red when the schedule is on but nothing has
-- dispatched for more than 5 minutes; staff see it in sync_status, anon sees nothing.
begin;
set local search_path = public, extensions;
select plan(17);

select has_table('public', 'sync_scheduler_heartbeat', 'the heartbeat table exists');
select ok((select relrowsecurity from pg_class where oid = 'public.sync_scheduler_heartbeat'::regclass),
  'the heartbeat has RLS enabled');
select ok(not has_table_privilege('anon', 'public.sync_scheduler_heartbeat', 'select'),
  'anon cannot read the heartbeat');
select ok(not has_table_privilege('authenticated', 'public.sync_scheduler_heartbeat',
  'insert, update, delete'), 'signed-in users cannot write the heartbeat');
select ok(not has_function_privilege('anon', 'public.sync_scheduler_health(timestamptz)',
  'execute'), 'anon cannot execute sync_scheduler_health');

-- Nothing is due: every entity paused, so the dispatcher only stamps the heartbeat.
update public.sync_settings set enabled = false;
update public.sync_schedule set enabled = false;
update public.sync_scheduler_heartbeat set last_dispatch_at = '2000-01-01 00:00+00';
select is(sync_private.dispatch_due_syncs(), 0, 'a disabled schedule makes no call');
select is((select last_dispatch_at from public.sync_scheduler_heartbeat), now(),
  'the dispatcher stamps the heartbeat while the schedule is off');

update public.sync_schedule set enabled = true;
update public.sync_scheduler_heartbeat set last_dispatch_at = '2000-01-01 00:00+00';
select is(sync_private.dispatch_due_syncs('2030-01-01 00:00+00'), 0, 'nothing is due');
select is((select last_dispatch_at from public.sync_scheduler_heartbeat), now(),
  'the heartbeat is the time of the run, not the p_now it was given');

-- A dispatcher that raises leaves the heartbeat as it was (it commits only with the run).
update public.sync_scheduler_heartbeat set last_dispatch_at = '2000-01-01 00:00+00';
alter table sync_private.scheduled_calls rename to scheduled_calls_gone;
select throws_ok('select sync_private.dispatch_due_syncs()', '42P01', null,
  'the dispatcher raises when its table is gone');
alter table sync_private.scheduled_calls_gone rename to scheduled_calls;
select is((select last_dispatch_at from public.sync_scheduler_heartbeat),
  '2000-01-01 00:00+00'::timestamptz, 'a failed run does not stamp the heartbeat');

-- The rule.
update public.sync_scheduler_heartbeat set last_dispatch_at = now() - interval '1 minute';
select is((select status from sync_scheduler_health()), 'green', 'a recent dispatch is green');
select is((select status from sync_scheduler_health(now() + interval '4 minutes')), 'green',
  'exactly 5 minutes after the last dispatch is still green');
select is((select status from sync_scheduler_health(now() + interval '4 minutes 1 second')),
  'red', 'more than 5 minutes without a dispatch is red');
update public.sync_scheduler_heartbeat set last_dispatch_at = null;
select is((select status from sync_scheduler_health()), 'red', 'never dispatched is red');
update public.sync_schedule set enabled = false;
select is((select status from sync_scheduler_health()), 'off',
  'with the schedule off nothing is expected');

-- Staff see the scheduler in sync_status.
insert into auth.users (id, email) values
  ('23000000-0000-4000-8000-000000000001', 'pgtap-heartbeat-staff@example.invalid');
insert into public.staff_members (user_id, email)
  values ('23000000-0000-4000-8000-000000000001', 'pgtap-heartbeat-staff@example.invalid');
insert into public.sync_settings (entity) values ('pgtap_heartbeat');
update public.sync_schedule set enabled = true;
update public.sync_scheduler_heartbeat set last_dispatch_at = now() - interval '10 minutes';
set local role authenticated;
set local request.jwt.claims = '{"sub": "23000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  $$ select scheduler_status, scheduler_last_dispatch_at from public.sync_status
     where entity = 'pgtap_heartbeat' $$,
  $$ values ('red'::text, now() - interval '10 minutes') $$,
  'staff see the scheduler colour and last dispatch in sync_status');
reset role;

select * from finish();
rollback;
