-- Which calls the dispatcher makes: unfinished imports, runs stuck past their lease, partial
-- runs, the hourly incremental run; nothing while a run holds its lease or a call is in flight;
-- and a clear failure, never a NULL URL or secret, when Vault is not set up.
begin;
set local search_path = public, extensions;
select plan(16);

update public.sync_settings set enabled = false;
update public.sync_schedule
set enabled = true, time_zone = 'UTC', nightly_hour = 2, incremental_every_minutes = 60,
  call_timeout_ms = 120000;
delete from vault.secrets where name in ('project_url', 'sync_secret');

-- 2026-06-10 10:20 UTC: inside the 10:00 slot, after the nightly hour (run on 2026-06-10).
create temporary table fixture (now_at timestamptz) on commit drop;
insert into fixture values ('2026-06-10 10:20:00+00');

insert into public.sync_settings (entity) values
  ('test_sched_import'), ('test_sched_import_live'), ('test_sched_import_between'),
  ('test_sched_stuck'), ('test_sched_partial'), ('test_sched_fresh'), ('test_sched_old'),
  ('test_sched_never'), ('test_sched_inflight'), ('test_sched_leased'),
  ('test_sched_answered');
insert into public.sync_settings (entity, enabled) values ('test_sched_paused', false);

insert into public.sync_state (
  entity, import_status, lease_owner, lease_expires_at, last_status, last_run_at, updated_at
) values
  ('test_sched_import', 'running', gen_random_uuid(), '2026-06-10 10:14+00', 'running',
   '2026-06-10 10:10+00', '2026-06-10 10:14+00'),
  ('test_sched_import_live', 'running', gen_random_uuid(), '2026-06-10 10:25+00', 'running',
   '2026-06-10 10:19+00', '2026-06-10 10:19+00'),
  ('test_sched_import_between', 'running', null, null, 'partial',
   '2026-06-10 10:19+00', '2026-06-10 10:19:30+00'),
  ('test_sched_stuck', null, gen_random_uuid(), '2026-06-10 10:15+00', 'running',
   '2026-06-10 10:10+00', '2026-06-10 10:10+00'),
  ('test_sched_partial', null, null, null, 'partial', '2026-06-10 10:19+00', '2026-06-10 10:19+00'),
  ('test_sched_fresh', null, null, null, 'completed', '2026-06-10 10:05+00', '2026-06-10 10:05+00'),
  ('test_sched_old', null, null, null, 'completed', '2026-06-10 09:00+00', '2026-06-10 09:00+00'),
  ('test_sched_inflight', null, null, null, 'completed', '2026-06-10 09:00+00', '2026-06-10 09:00+00'),
  ('test_sched_leased', null, gen_random_uuid(), '2026-06-10 10:21+00', 'running',
   '2026-06-10 10:19+00', '2026-06-10 10:19+00'),
  ('test_sched_answered', null, null, null, 'completed', '2026-06-10 09:00+00', '2026-06-10 09:00+00'),
  ('test_sched_paused', null, null, null, 'completed', '2026-06-10 01:00+00', '2026-06-10 01:00+00');

-- Tonight's nightly runs already happened for every test entity; the "pending" call of
-- test_sched_inflight has no answer yet, test_sched_answered's has one.
insert into sync_private.scheduled_calls (
  entity, function_name, reason, body, nightly_date, requested_at, timeout_ms, request_id,
  outcome
)
select entity, 'sync-entity', 'nightly', '{}', '2026-06-10', '2026-06-10 02:00+00', 120000,
  null, 'succeeded'
from public.sync_settings where entity like 'test_sched_%';
insert into sync_private.scheduled_calls (
  entity, function_name, reason, body, requested_at, timeout_ms, request_id, outcome
) values
  ('test_sched_inflight', 'sync-entity', 'incremental', '{}', '2026-06-10 10:19+00', 120000,
   -101, 'pending'),
  ('test_sched_answered', 'sync-entity', 'incremental', '{}', '2026-06-10 09:59+00', 120000,
   -102, 'pending');
insert into net._http_response (id, status_code, content) values (-102, 200, '{}');

select results_eq(
  $$ select entity, function_name, reason, body
     from sync_private.due_calls((select now_at from fixture)) order by entity $$,
  $$ values
       ('test_sched_answered', 'sync-entity', 'incremental',
        '{"entity": "test_sched_answered", "trigger": "schedule"}'::jsonb),
       ('test_sched_import', 'import-history', 'import',
        '{"entities": ["test_sched_import"]}'::jsonb),
       ('test_sched_never', 'sync-entity', 'incremental',
        '{"entity": "test_sched_never", "trigger": "schedule"}'::jsonb),
       ('test_sched_old', 'sync-entity', 'incremental',
        '{"entity": "test_sched_old", "trigger": "schedule"}'::jsonb),
       ('test_sched_partial', 'sync-entity', 'partial',
        '{"entity": "test_sched_partial", "trigger": "schedule"}'::jsonb),
       ('test_sched_stuck', 'sync-entity', 'stuck',
        '{"entity": "test_sched_stuck", "trigger": "schedule"}'::jsonb) $$,
  'due: unfinished import, stuck lease, partial run, incremental; not: live lease, in flight, '
  || 'paused, fresh, an import between its own invocations');

select is(
  (select count(*)::int from sync_private.due_calls('2026-06-10 11:00:00+00')
   where entity = 'test_sched_inflight'),
  1, 'a call that never got an answer does not block the next slot');

select is(
  (select count(*)::int from sync_private.due_calls('2026-06-10 10:22:00+00')
   where entity = 'test_sched_import_between'),
  1, 'an import idle for two minutes without a lease is continued');

select is(
  (select count(*)::int from sync_private.due_calls('2026-06-11 02:00:00+00')
   where reason = 'nightly' and body ->> 'trigger' = 'schedule'),
  -- 11 enabled, minus 3 unfinished imports and 2 runs stuck past their lease by then.
  6, 'the next night, every other enabled entity gets one nightly run');

update public.sync_schedule set enabled = false;
select is_empty($$ select * from sync_private.due_calls('2026-06-10 10:20+00') $$,
  'the master switch pauses every scheduled call');
select is(sync_private.dispatch_due_syncs('2026-06-10 10:20+00'), 0,
  'a paused scheduler dispatches nothing');
update public.sync_schedule set enabled = true;

-- Without Vault secrets: a clear failed run, and no request with a NULL URL or secret.
select is(sync_private.dispatch_due_syncs('2026-06-10 10:20+00'), 6,
  'without Vault secrets the due calls are still accounted for');
select is(
  (select count(*)::int from net.http_request_queue as q
   join sync_private.scheduled_calls as c on c.request_id = q.id
   where c.entity like 'test_sched_%'),
  0, 'nothing is sent without the Vault secrets');
select results_eq(
  $$ select l.status, l.trigger, l.error, st.last_status, st.last_error
     from public.sync_log as l join public.sync_state as st on st.last_run_id = l.id
     where l.entity = 'test_sched_old' $$,
  $$ values ('failed', 'schedule',
       'scheduled call not sent: Vault secret project_url is missing (run deno task deploy)',
       'failed',
       'scheduled call not sent: Vault secret project_url is missing (run deno task deploy)') $$,
  'a missing Vault secret is a failed run in sync_log and sync_state, naming the secret');
select is(
  (select last_status from public.sync_state where entity = 'test_sched_leased'), 'running',
  'a run holding a live lease is left alone');
select is(
  (select count(*)::int from public.sync_log where entity = 'test_sched_import'
     and error like '%sync_secret%'),
  0, 'the first missing secret is the one named');

-- With Vault secrets: the requests carry the URL, a signature, timeout and a tiny body.
do $$
begin
  perform vault.create_secret('https://abcdefghijklmnopqrst.supabase.co/', 'project_url');
  perform vault.create_secret('pgtap-dispatch-secret', 'sync_secret');
end
$$;
update public.sync_state set last_status = 'partial' where entity = 'test_sched_partial';
-- 10:31: the partial run; the three imports (no lease, idle for 2 minutes, none continued in
-- the last 5); the run whose lease expired at 10:21 while 'running'.
select is(sync_private.dispatch_due_syncs('2026-06-10 10:31+00'), 5,
  'partial runs, abandoned imports and expired leases are picked up at the next tick');
select results_eq(
  $$ select q.method::text, q.url,
       q.headers ->> 'x-sync-call-id' = c.id::text and q.headers ? 'x-sync-signature'
         and not q.headers ? 'x-sync-secret',
       q.headers ->> 'Content-Type',
       q.timeout_milliseconds, convert_from(q.body, 'UTF8')::jsonb
     from net.http_request_queue as q
     join sync_private.scheduled_calls as c on c.request_id = q.id
     where c.entity = 'test_sched_partial' $$,
  $$ values ('POST', 'https://abcdefghijklmnopqrst.supabase.co/functions/v1/sync-entity',
       true, 'application/json', 120000,
       '{"entity": "test_sched_partial", "trigger": "schedule"}'::jsonb) $$,
  'the request goes to <project_url>/functions/v1/sync-entity, signed, without the secret');
select is(
  (select count(*)::int from sync_private.scheduled_calls
   where entity = 'test_sched_partial' and outcome = 'pending' and request_id is not null),
  1, 'the pg_net request id is recorded for the reconcile job');
select is(sync_private.dispatch_due_syncs('2026-06-10 10:32+00'), 0,
  'no second call while the first is in flight');

select is(
  (select q.url || ' ' || convert_from(q.body, 'UTF8')
   from net.http_request_queue as q
   join sync_private.scheduled_calls as c on c.request_id = q.id
   where c.entity = 'test_sched_import'),
  'https://abcdefghijklmnopqrst.supabase.co/functions/v1/import-history '
  || '{"entities": ["test_sched_import"]}',
  'an abandoned import is continued through import-history, naming only that entity');

select * from finish();
rollback;
