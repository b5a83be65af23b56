-- Failures pg_cron cannot see (cron.job_run_details says "succeeded" for every enqueue) are
-- found in net._http_response and shown as failed runs, unless the function recorded the run;
-- history is pruned by retention; the settings row is staff-only.
begin;
set local search_path = public, extensions;
select plan(22);

-- One pending call per outcome, made at 10:00 with a 150 s timeout.
insert into sync_private.scheduled_calls (
  entity, function_name, reason, body, requested_at, timeout_ms, request_id
) values
  ('test_rec_ok', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 150000, -201),
  ('test_rec_503', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 150000, -202),
  -- Made earlier: a timed-out sync-entity call is given 2 minutes to show the run it may have
  -- started late (24_schedule_async_calls_test.sql).
  ('test_rec_timeout', 'sync-entity', 'incremental', '{}', '2026-06-10 09:58+00', 150000, -203),
  ('test_rec_refused', 'import-history', 'import', '{}', '2026-06-10 10:00+00', 150000, -204),
  ('test_rec_546', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 150000, -205),
  ('test_rec_recorded', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 150000, -206),
  ('test_rec_lost', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 150000, -207),
  ('test_rec_newer', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 150000, -208);
insert into net._http_response (id, status_code, content_type, headers, content, timed_out,
  error_msg) values
  (-201, 200, 'application/json', '{}', '{"status":"completed"}', false, null),
  (-202, 503, 'application/json', '{"sb-error-code":"BOOT_ERROR"}', '{}', false, null),
  (-203, null, null, null, null, true, 'Timeout of 150000 ms reached'),
  (-204, null, null, null, null, false, 'Couldn''t connect to server'),
  (-205, 546, 'application/json', '{"Sb-Error-Code":"WORKER_RESOURCE_LIMIT"}', '{}', false,
   null),
  (-206, 500, 'text/plain', '{}', 'boom', false, null),
  (-208, 502, 'text/plain', '{}', '', false, null);

-- The function recorded its own run for test_rec_recorded; test_rec_newer ran again since.
insert into public.sync_log (entity, trigger, status, started_at, finished_at, error)
values ('test_rec_recorded', 'schedule', 'failed', '2026-06-10 10:00:01+00',
  '2026-06-10 10:00:05+00', 'Lightspeed answered 500');
insert into public.sync_state (entity, last_status, last_run_at, last_error) values
  ('test_rec_recorded', 'failed', '2026-06-10 10:00:01+00', 'Lightspeed answered 500'),
  ('test_rec_newer', 'completed', '2026-06-10 10:01+00', null);

select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:01:00+00'), 5,
  'five answered failures without a recorded run are written (the lost call is not due yet)');

select results_eq(
  $$ select entity, status, trigger, error from public.sync_log
     where entity like 'test_rec_%' and entity not in ('test_rec_recorded')
     order by entity $$,
  $$ values
    ('test_rec_503', 'failed', 'schedule',
     'scheduled call failed: HTTP 503 from sync-entity (BOOT_ERROR)'),
    ('test_rec_546', 'failed', 'schedule',
     'scheduled call failed: HTTP 546 from sync-entity (WORKER_RESOURCE_LIMIT)'),
    ('test_rec_newer', 'failed', 'schedule', 'scheduled call failed: HTTP 502 from sync-entity'),
    ('test_rec_refused', 'failed', 'schedule',
     'scheduled call to import-history failed: Couldn''t connect to server'),
    ('test_rec_timeout', 'failed', 'schedule',
     'scheduled call to sync-entity timed out after 150000 ms') $$,
  'each failure is a failed schedule run with a clear reason');

select results_eq(
  $$ select entity, last_status from public.sync_state
     where entity in ('test_rec_503', 'test_rec_timeout', 'test_rec_refused', 'test_rec_546')
     order by entity $$,
  $$ values ('test_rec_503', 'failed'), ('test_rec_546', 'failed'),
            ('test_rec_refused', 'failed'), ('test_rec_timeout', 'failed') $$,
  'sync_state shows each of them as failed');
select is(
  (select last_error from public.sync_state where entity = 'test_rec_503'),
  'scheduled call failed: HTTP 503 from sync-entity (BOOT_ERROR)',
  'sync_state.last_error says why');
select is(
  (select last_status from public.sync_state where entity = 'test_rec_newer'), 'completed',
  'a newer run''s state is not overwritten by an older call''s failure');
select is(
  (select count(*)::int from public.sync_log where entity = 'test_rec_recorded'), 1,
  'no second row when the function recorded the run itself');
select results_eq(
  $$ select entity, outcome, status_code from sync_private.scheduled_calls
     where entity like 'test_rec_%' order by entity $$,
  $$ values ('test_rec_503', 'failed', 503), ('test_rec_546', 'failed', 546),
            ('test_rec_lost', 'pending', null), ('test_rec_newer', 'failed', 502),
            ('test_rec_ok', 'succeeded', 200), ('test_rec_recorded', 'failed', 500),
            ('test_rec_refused', 'failed', null), ('test_rec_timeout', 'failed', null) $$,
  'every call is settled, except the one still within its timeout');
select is(
  (select count(*)::int from public.sync_log where entity = 'test_rec_ok'), 0,
  'a successful call adds nothing (the function records its own run)');

select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:03:29+00'), 0,
  'an unanswered call is given its timeout plus a minute');
select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:03:31+00'), 1,
  'then it counts as failed');
select is(
  (select error from public.sync_log where entity = 'test_rec_lost'),
  'scheduled call to sync-entity got no response within 150000 ms',
  'a lost call (worker down, queue dropped) is a failed run too');
select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:10+00'), 0,
  'reconciling again changes nothing');

-- Pruning by retention.
update public.sync_schedule set job_run_details_retention_days = 14, sync_log_retention_days = 30;
-- History of the product's own prune job (only its own jobs' history is pruned:
-- 25_prune_own_cron_history_test.sql).
insert into cron.job_run_details (jobid, job_pid, database, username, command, status,
  return_message, start_time, end_time)
select j.jobid, 0, 'postgres', 'postgres', 'select 1', 'succeeded', 'SELECT 1', t,
  t + interval '1 second'
from cron.job as j,
  unnest(array['2026-05-01 00:00+00', '2026-06-09 00:00+00']::timestamptz[]) as t
where j.jobname = 'sync-prune';
insert into public.sync_log (entity, status, started_at) values
  ('test_prune_old', 'completed', '2026-04-01 00:00+00'),
  ('test_prune_old', 'running', '2026-04-01 00:00+00'),
  ('test_prune_latest', 'completed', '2026-04-01 00:00+00'),
  ('test_prune_recent', 'completed', '2026-06-01 00:00+00');
insert into public.sync_state (entity, last_run_id, last_status)
select 'test_prune_latest', max(id), 'completed' from public.sync_log
where entity = 'test_prune_latest';

select is(
  (sync_private.prune_history('2026-06-10 12:00+00') ->> 'job_run_details')::int >= 1, true,
  'the prune job reports what it removed');
select is(
  (select count(*)::int from cron.job_run_details as d join cron.job as j using (jobid)
   where j.jobname = 'sync-prune' and d.start_time < '2026-06-10'), 1,
  'cron.job_run_details older than its retention is removed, newer kept');
select results_eq(
  $$ select entity, status from public.sync_log where entity like 'test_prune_%'
     order by entity, status $$,
  $$ values ('test_prune_latest', 'completed'), ('test_prune_old', 'running'),
            ('test_prune_recent', 'completed') $$,
  'old sync_log rows go; recent rows, running rows and each entity''s latest run stay');

-- Settings: staff read and change them; nobody else does.
insert into auth.users (id, email) values
  ('00000000-0000-4000-8000-000000000021', 'staff21@example.com'),
  ('00000000-0000-4000-8000-000000000022', 'visitor22@example.com');
insert into public.staff_members (user_id, email)
  values ('00000000-0000-4000-8000-000000000021', 'staff21@example.com');

set local role anon;
select throws_ok('select * from public.sync_schedule', '42501', null,
  'anon cannot read the schedule');
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000022"}';
select is_empty('select * from public.sync_schedule', 'non-staff do not see the schedule');
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub": "00000000-0000-4000-8000-000000000021"}';
select lives_ok(
  $$ update public.sync_schedule set nightly_hour = 3, time_zone = 'Pacific/Auckland',
       incremental_every_minutes = 30, updated_at = now() $$,
  'staff change the schedule');
select throws_ok('insert into public.sync_schedule (id) values (true)', '42501', null,
  'staff cannot add a second settings row');
select throws_ok('select * from sync_private.scheduled_calls', '42501', null,
  'staff cannot reach the scheduler''s private tables');
select throws_ok('select sync_private.dispatch_due_syncs()', '42501', null,
  'staff cannot run the dispatcher');
reset role;
select is((select nightly_hour from public.sync_schedule), 3, 'the staff change took effect');

select * from finish();
rollback;
