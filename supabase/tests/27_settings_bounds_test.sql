-- Retention, timeout and overlap settings have bounds, and only the operator (SQL as the
-- database owner) changes them: staff through the Data API are refused. Staff keep the
-- switches and thresholds.
begin;
set local search_path = public, extensions;
select plan(14);

select throws_ok('update public.sync_schedule set job_run_details_retention_days = 1',
  '23514', null, 'pg_cron history is kept at least 7 days');
select throws_ok('update public.sync_schedule set sync_log_retention_days = 6',
  '23514', null, 'sync_log is kept at least 7 days');
select throws_ok('update public.sync_schedule set call_timeout_ms = 150001',
  '23514', null, 'a call timeout beyond the platform''s 150 s is refused');
select throws_ok($$ update public.sync_settings set overlap_window = '73 hours' $$,
  '23514', null, 'the overlap window is at most 72 hours');
select throws_ok($$ update public.sync_settings set overlap_every = '59 minutes' $$,
  '23514', null, 'the overlap re-read is at most hourly');
select throws_ok($$ update public.sync_settings set overlap_every = '8 days' $$,
  '23514', null, 'the overlap re-read is at least weekly');
select lives_ok(
  $$ update public.sync_schedule set job_run_details_retention_days = 7, call_timeout_ms = 150000 $$,
  'the operator sets values within the bounds');
select lives_ok(
  $$ update public.sync_settings set overlap_window = '72 hours', overlap_every = '1 hour' $$,
  'the operator sets overlap within the bounds');

insert into auth.users (id, email)
  values ('27000000-0000-4000-8000-000000000001', 'pgtap-bounds-staff@example.com');
insert into public.staff_members (user_id, email)
  values ('27000000-0000-4000-8000-000000000001', 'pgtap-bounds-staff@example.com');

set local role authenticated;
set local request.jwt.claims = '{"sub": "27000000-0000-4000-8000-000000000001"}';
select throws_ok('update public.sync_schedule set job_run_details_retention_days = 30',
  '42501', null, 'staff cannot change the pg_cron history retention');
select throws_ok('update public.sync_schedule set sync_log_retention_days = 30',
  '42501', null, 'staff cannot change the sync_log retention');
select throws_ok('update public.sync_schedule set call_timeout_ms = 10000',
  '42501', null, 'staff cannot change the call timeout');
select throws_ok($$ update public.sync_settings set overlap_window = '1 hour' $$,
  '42501', null, 'staff cannot change the overlap window');
select throws_ok($$ update public.sync_settings set overlap_every = '2 hours' $$,
  '42501', null, 'staff cannot change how often the overlap is re-read');
select lives_ok(
  $$ update public.sync_schedule set enabled = false, nightly_hour = 4 $$,
  'staff still switch the schedule and move the nightly hour');
reset role;

select * from finish();
rollback;
