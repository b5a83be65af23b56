-- Scheduled sync-entity calls are asynchronous: the dispatcher asks for respond-async with the
-- call's id and pg_net's short timeout; the run stores that id in sync_log.call_id; a call is in
-- flight, and is judged, by the run it started rather than by pg_net's response alone; a call
-- accepted without a run, or whose run outlives its lease, becomes a visible failure.
begin;
set local search_path = public, extensions;
select plan(34);

-- The column, its rule, the view and the timeout setting.
select col_type_is('public', 'sync_log', 'call_id', 'bigint', 'sync_log.call_id is a bigint');
select col_is_null('public', 'sync_log', 'call_id', 'sync_log.call_id is nullable');
select throws_ok(
  $$ insert into public.sync_log (entity, status, call_id) values ('test_async_x', 'running', 0) $$,
  '23514', null, 'a call id is a positive number');
select has_column('public', 'sync_history', 'call_id', 'sync_history shows the call id');
select is(
  (select array_agg(attname::text order by attnum) from pg_attribute
   where attrelid = 'public.sync_history'::regclass and attnum between 1 and 23),
  array['id', 'entity', 'trigger', 'import_id', 'status', 'started_at', 'finished_at',
    'duration_ms', 'day', 'pages', 'records_received', 'records_inserted', 'records_updated',
    'records_unchanged', 'records_rejected', 'records_changed', 'requests', 'rate_limited',
    'cursor_start', 'cursor_end', 'failed', 'error', 'call_id'],
  'sync_history keeps its columns in their order, the call id after them (later ones append)');
select col_default_is('public', 'sync_schedule', 'call_timeout_ms', '5000',
  'scheduled calls time out after 5 s by default');

-- The dispatcher: Prefer for sync-entity, not for import-history (both are signed).
update public.sync_settings set enabled = false;
update public.sync_schedule
set enabled = true, time_zone = 'UTC', nightly_hour = 2, incremental_every_minutes = 60,
  call_timeout_ms = default;
delete from vault.secrets where name in ('project_url', 'sync_secret');
do $$
begin
  perform vault.create_secret('https://abcdefghijklmnopqrst.supabase.co', 'project_url');
  perform vault.create_secret('pgtap-async-secret', 'sync_secret');
end
$$;
insert into public.sync_settings (entity) values ('test_async_send'), ('test_async_import');
insert into public.sync_state (entity, import_status, last_status, last_run_at, updated_at) values
  ('test_async_send', null, 'completed', '2026-06-10 09:00+00', '2026-06-10 09:00+00'),
  ('test_async_import', 'running', 'partial', '2026-06-10 09:00+00', '2026-06-10 09:00+00');
insert into sync_private.scheduled_calls (
  entity, function_name, reason, body, nightly_date, requested_at, timeout_ms, outcome
)
select entity, 'sync-entity', 'nightly', '{}', '2026-06-10', '2026-06-10 02:00+00', 5000,
  'succeeded'
from public.sync_settings where entity like 'test_async_%';

select is(sync_private.dispatch_due_syncs('2026-06-10 10:20+00'), 2, 'both calls are sent');
select results_eq(
  $$ select q.headers ->> 'Prefer', q.headers ->> 'x-sync-call-id', c.id::text,
       q.timeout_milliseconds, q.headers ? 'x-sync-signature'
     from net.http_request_queue as q
     join sync_private.scheduled_calls as c on c.request_id = q.id
     where c.entity = 'test_async_send' $$,
  $$ select 'respond-async', id::text, id::text, 5000, true
     from sync_private.scheduled_calls
     where entity = 'test_async_send' and reason = 'incremental' $$,
  'sync-entity is asked to respond async, with the call id and a 5 s timeout');
select is(
  (select q.headers - 'x-sync-signature' - 'x-sync-call-id' from net.http_request_queue as q
   join sync_private.scheduled_calls as c on c.request_id = q.id
   where c.entity = 'test_async_import'),
  '{"Content-Type": "application/json"}'::jsonb,
  'import-history (which always answers at once) is not asked to respond async');

-- In flight: an unanswered call holds the entity back, until the run it started is seen.
update public.sync_state set last_status = 'partial', last_run_at = '2026-06-10 10:20:01+00'
where entity = 'test_async_send';
select is_empty(
  $$ select 1 from sync_private.due_calls('2026-06-10 10:21+00')
     where entity = 'test_async_send' $$,
  'an unanswered call without a run is still in flight');
insert into public.sync_log (entity, trigger, status, started_at, finished_at, call_id)
select 'test_async_send', 'schedule', 'partial', '2026-06-10 10:20:01+00',
  '2026-06-10 10:20:40+00', id
from sync_private.scheduled_calls where entity = 'test_async_send' and reason = 'incremental';
select is(
  (select reason from sync_private.due_calls('2026-06-10 10:21+00')
   where entity = 'test_async_send'),
  'partial',
  'once its run has ended, the next call goes out though pg_net has not shown the response');

-- Reconcile: one call per case, all made at 10:00 with the 5 s timeout.
insert into sync_private.scheduled_calls (
  entity, function_name, reason, body, requested_at, timeout_ms, request_id
) values
  ('test_async_ok', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -301),
  ('test_async_partial', 'sync-entity', 'partial', '{}', '2026-06-10 10:00+00', 5000, -302),
  ('test_async_skipped', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -303),
  ('test_async_unseen', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -304),
  ('test_async_failed', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -305),
  ('test_async_norun', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -306),
  ('test_async_stuck', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -307),
  ('test_async_running', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -308),
  ('test_async_late', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -309),
  ('test_async_timeout', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -310),
  ('test_async_refused', 'sync-entity', 'incremental', '{}', '2026-06-10 10:00+00', 5000, -311),
  ('test_async_importing', 'import-history', 'import', '{}', '2026-06-10 10:00+00', 5000, -312);
insert into net._http_response (id, status_code, content_type, headers, content, timed_out,
  error_msg) values
  (-301, 202, 'application/json', '{}', '{"status":"accepted"}', false, null),
  (-302, 202, 'application/json', '{}', '{"status":"accepted"}', false, null),
  (-303, 200, 'application/json', '{}', '{"status":"skipped"}', false, null),
  (-305, 202, 'application/json', '{}', '{"status":"accepted"}', false, null),
  (-306, 202, 'application/json', '{}', '{"status":"accepted"}', false, null),
  (-307, 202, 'application/json', '{}', '{"status":"accepted"}', false, null),
  (-308, 202, 'application/json', '{}', '{"status":"accepted"}', false, null),
  (-309, null, null, null, null, true, 'Timeout of 5000 ms reached'),
  (-310, null, null, null, null, true, 'Timeout of 5000 ms reached'),
  (-311, null, null, null, null, false, 'Couldn''t connect to server'),
  (-312, 202, 'application/json', '{}', '{}', false, null);

-- The runs the calls started (test_async_unseen's response is not visible yet: pg_net commits
-- a batch's responses together); the stuck run's lease expired at 10:01:30, the running one's
-- lasts until 10:05.
insert into public.sync_log (entity, trigger, status, started_at, finished_at, error, call_id)
select c.entity, 'schedule', r.status, '2026-06-10 10:00:01+00',
  case when r.status <> 'running' then timestamptz '2026-06-10 10:00:20+00' end, r.error, c.id
from sync_private.scheduled_calls as c
join (values
  ('test_async_ok', 'completed', null), ('test_async_partial', 'partial', null),
  ('test_async_skipped', 'skipped', 'Another run holds this entity'),
  ('test_async_unseen', 'completed', null), ('test_async_failed', 'failed', 'HTTP 500 from Lightspeed'),
  ('test_async_stuck', 'running', null), ('test_async_running', 'running', null)
) as r (entity, status, error) on r.entity = c.entity;
insert into public.sync_state (entity, last_status, last_run_at, last_run_id, last_error,
  last_success_at, lease_owner, lease_expires_at)
select e.entity, e.status, '2026-06-10 10:00:01+00',
  (select max(l.id) from public.sync_log as l where l.entity = e.entity), e.error,
  '2026-06-10 09:00+00', e.owner, e.lease
from (values
  ('test_async_ok', 'completed', null, null::uuid, null::timestamptz),
  ('test_async_failed', 'failed', 'HTTP 500 from Lightspeed', null, null),
  ('test_async_norun', 'completed', null, null, null),
  ('test_async_stuck', 'running', null, gen_random_uuid(), '2026-06-10 10:01:30+00'),
  ('test_async_running', 'running', null, gen_random_uuid(), '2026-06-10 10:05+00'),
  ('test_async_timeout', 'completed', null, null, null)
) as e (entity, status, error, owner, lease);
update public.sync_state set last_run_at = '2026-06-10 09:00+00'
where entity in ('test_async_norun', 'test_async_timeout');

select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:01+00'), 1,
  'at 10:01 only the refused call is a new failure');
select results_eq(
  $$ select entity, outcome from sync_private.scheduled_calls
     where entity like 'test_async_%' and request_id < 0 order by entity $$,
  $$ values ('test_async_failed', 'failed'), ('test_async_importing', 'succeeded'),
            ('test_async_late', 'pending'), ('test_async_norun', 'pending'),
            ('test_async_ok', 'succeeded'), ('test_async_partial', 'succeeded'),
            ('test_async_refused', 'failed'), ('test_async_running', 'pending'),
            ('test_async_skipped', 'succeeded'), ('test_async_stuck', 'pending'),
            ('test_async_timeout', 'pending'), ('test_async_unseen', 'succeeded') $$,
  'completed, partial and skipped runs settle their calls; running ones and 202s without a '
  || 'run wait');
select is(
  (select status_code from sync_private.scheduled_calls where entity = 'test_async_ok'), 202,
  'the 202 is kept with the call');
select is(
  (select count(*)::int from public.sync_log where entity in
     ('test_async_ok', 'test_async_partial', 'test_async_skipped', 'test_async_unseen',
      'test_async_failed')),
  5, 'a call judged by its run adds no row');
select is(
  (select error from sync_private.scheduled_calls where entity = 'test_async_failed'),
  (select format('run %s failed: HTTP 500 from Lightspeed', id) from public.sync_log
   where entity = 'test_async_failed'),
  'a failed run fails its call, and is itself the visible failure');
select is(
  (select error from public.sync_log where entity = 'test_async_refused'),
  'scheduled call to sync-entity failed: Couldn''t connect to server',
  'a connection error is still a failed run at once');

-- A timed-out request may still reach the function: its run, when it shows, decides.
insert into public.sync_log (entity, trigger, status, started_at, finished_at, call_id)
select 'test_async_late', 'schedule', 'completed', '2026-06-10 10:00:07+00',
  '2026-06-10 10:00:30+00', id
from sync_private.scheduled_calls where entity = 'test_async_late';

select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:01:59+00'), 0,
  'within 2 minutes nothing new fails');
select is(
  (select outcome from sync_private.scheduled_calls where entity = 'test_async_late'),
  'succeeded', 'a call that timed out but started its run is judged by that run');

select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:02:01+00'), 2,
  'after 2 minutes the accepted call without a run and the timed-out one fail');
select results_eq(
  $$ select l.status, l.trigger, l.error, st.last_status
     from public.sync_log as l join public.sync_state as st on st.last_run_id = l.id
     where l.entity = 'test_async_norun' $$,
  $$ select 'failed', 'schedule',
       format('scheduled call to sync-entity was accepted (HTTP 202) but no run with its call '
         || 'id %s started within 2 minutes', id),
       'failed'
     from sync_private.scheduled_calls where entity = 'test_async_norun' $$,
  'a 202 whose run never opened is a failed run of the entity');
select is(
  (select public.sync_health_colour(last_success_at, last_status, null, null,
     '2026-06-10 10:02:01+00') from public.sync_state where entity = 'test_async_norun'),
  'red', '... and turns the entity red');
select is(
  (select error from public.sync_log where entity = 'test_async_timeout'),
  'scheduled call to sync-entity timed out after 5000 ms',
  'a timeout without a run is a failed run once the window has passed');
select is(
  (select last_status from public.sync_state where entity = 'test_async_timeout'), 'failed',
  '... shown in sync_state');

select is(
  (select status from public.sync_log where entity = 'test_async_stuck'), 'running',
  'a run within its lease plus a minute is left running');
select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:02:31+00'), 1,
  'past its lease plus a minute the stuck run is a failure');
select results_eq(
  $$ select l.status, l.finished_at, l.duration_ms, st.last_status, st.last_error = l.error
     from public.sync_log as l join public.sync_state as st on st.last_run_id = l.id
     where l.entity = 'test_async_stuck' $$,
  $$ values ('failed', timestamptz '2026-06-10 10:02:31+00', 150000, 'failed', true) $$,
  'the stuck run itself is closed as failed and is the entity''s failed latest run');
select matches(
  (select error from public.sync_log where entity = 'test_async_stuck'),
  '^The run did not end within its lease',
  'its error says it outlived its lease');
select is(
  (select public.sync_health_colour(last_success_at, last_status, null, null,
     '2026-06-10 10:02:31+00') from public.sync_state where entity = 'test_async_stuck'),
  'red', '... so the entity is red');
select results_eq(
  $$ select c.outcome, c.sync_log_id = l.id from sync_private.scheduled_calls as c
     join public.sync_log as l on l.call_id = c.id where c.entity = 'test_async_stuck' $$,
  $$ values ('failed', true) $$,
  'the call is failed and points at the run it closed');
select is(
  (select outcome from sync_private.scheduled_calls where entity = 'test_async_running'),
  'pending', 'a run whose lease is live keeps its call pending');
select is(
  (select count(*)::int from public.sync_log where entity = 'test_async_running'
     and status = 'running'),
  1, '... and is not touched');

select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:10+00'), 1,
  'reconciling later still finds the other run once it outlives its lease');
select is(sync_private.reconcile_scheduled_calls('2026-06-10 10:20+00'), 0,
  'reconciling again changes nothing');

select * from finish();
rollback;
