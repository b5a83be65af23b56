-- Alerts (README § Alerts): each rule's condition at a given time, one message per incident and
-- one on recovery, a rule switched off closing quietly, who may read and change what, and the
-- prune of the alert job's history and of old alert_log rows. No destination is configured
-- here, so messages are recorded as no_destination and nothing is sent.
begin;
set local search_path = public, extensions;
select plan(28);

-- The alert job's own lock, for the whole test: pg_cron's run of it skips meanwhile, so it
-- neither waits on this test's rows nor makes this test's evaluations skip.
select pg_advisory_xact_lock(hashtext('sync_private.evaluate_alerts'));
-- Only this test's entity syncs; nothing else is in the history.
delete from vault.secrets where name in ('alert_slack_webhook_url', 'alert_webhook_url');
delete from sync_private.alert_deliveries;
delete from sync_private.alert_incidents;
delete from public.alert_log;
delete from public.sync_log;
delete from public.sync_rejects;
delete from sync_private.request_budget;
update public.sync_settings set enabled = false;
update public.sync_schedule set enabled = true;
insert into public.sync_scheduler_heartbeat (id, last_dispatch_at) values (true, '2026-06-10 12:00+00')
  on conflict (id) do update set last_dispatch_at = excluded.last_dispatch_at;
insert into public.sync_entities (entity, sort_order, label, table_name)
  values ('pgtap_alert', 4001, 'Alert test', 'lightspeed_pgtap_alert');
insert into public.sync_state (entity, last_status, last_success_at)
  values ('pgtap_alert', 'completed', '2026-06-10 11:00+00');
update public.alert_rules set enabled = (rule = 'entity_red');

create function pg_temp.firing(p_now timestamptz)
  returns text[] language sql as $$
  select coalesce(array_agg(rule || ':' || coalesce(entity, '') order by rule, entity), '{}')
  from sync_private.alert_conditions(p_now)
$$;

insert into public.sync_log (entity, status, started_at, finished_at) values
  ('pgtap_alert', 'completed', '2026-06-10 11:00+00', '2026-06-10 11:01+00');
select is(pg_temp.firing('2026-06-10 12:00+00'), '{}', 'fresh and green: nothing fires');
select is(pg_temp.firing('2026-06-11 00:00+00'), '{entity_red:pgtap_alert}',
  'past red_after: entity_red fires');
select is((select since from sync_private.alert_conditions('2026-06-11 00:00+00')),
  '2026-06-10 23:00+00'::timestamptz, 'red since the last success plus red_after');

insert into public.sync_log (entity, status, started_at, finished_at) values
  ('pgtap_alert', 'failed', '2026-06-10 12:00+00', '2026-06-10 12:01+00');
select is(pg_temp.firing('2026-06-10 12:05+00'), '{entity_red:pgtap_alert}',
  'a failed run: red at once');
insert into public.sync_log (entity, status, started_at) values
  ('pgtap_alert', 'running', '2026-06-10 12:04+00');
select is(pg_temp.firing('2026-06-10 12:05+00'), '{entity_red:pgtap_alert}',
  'a run in progress does not end the incident');

-- One message per incident, one on recovery.
select is(sync_private.evaluate_alerts('2026-06-10 12:05+00'),
  '{"opened": 1, "recovered": 0, "retries": 0}'::jsonb, 'the first evaluation opens it');
select is(sync_private.evaluate_alerts('2026-06-10 12:06+00'),
  '{"opened": 0, "recovered": 0, "retries": 0}'::jsonb, 'the next sends nothing');
select results_eq(
  $$ select kind, rule, entity, status, since from public.alert_log $$,
  $$ values ('failing', 'entity_red', 'pgtap_alert', 'no_destination',
     '2026-06-10 12:00+00'::timestamptz) $$,
  'recorded, without a destination, since the first failed run');
select matches((select message from public.alert_log),
  '^\[Lightspeed sync\] Failing: pgtap_alert is red \(the latest run failed\), since 2026-06-10 12:00 UTC\.$',
  'the message says what, which entity and since when');
update public.sync_log set status = 'completed', finished_at = '2026-06-10 12:07+00'
  where status = 'running' and entity = 'pgtap_alert';
update public.sync_state set last_success_at = '2026-06-10 12:07+00' where entity = 'pgtap_alert';
select is(sync_private.evaluate_alerts('2026-06-10 12:08+00'),
  '{"opened": 0, "recovered": 1, "retries": 0}'::jsonb, 'a success closes it');
select matches((select message from public.alert_log where kind = 'recovered'),
  'Recovered: pgtap_alert is no longer red \(failing since 2026-06-10 12:00 UTC, recovered 2026-06-10 12:08 UTC\)',
  'the recovery says since when it failed');

-- The other rules.
update public.alert_rules set enabled = true, threshold = 2 where rule = 'consecutive_failures';
update public.alert_rules set enabled = false where rule = 'entity_red';
insert into public.sync_log (entity, status, started_at, finished_at) values
  ('pgtap_alert', 'failed', '2026-06-10 13:00+00', '2026-06-10 13:01+00');
select is(pg_temp.firing('2026-06-10 13:05+00'), '{}', 'one failure is under the threshold');
insert into public.sync_log (entity, status, started_at, finished_at) values
  ('pgtap_alert', 'skipped', '2026-06-10 13:30+00', '2026-06-10 13:30+00'),
  ('pgtap_alert', 'failed', '2026-06-10 14:00+00', '2026-06-10 14:01+00');
select is(pg_temp.firing('2026-06-10 14:05+00'), '{consecutive_failures:pgtap_alert}',
  'two failures in a row (a skipped run between them does not count) fire');
update public.alert_rules set enabled = false where rule = 'consecutive_failures';
update public.alert_rules set enabled = true where rule = 'entity_yellow';
select is(pg_temp.firing('2026-06-10 14:05+00'), '{entity_yellow:pgtap_alert}',
  'entity_yellow fires for red too');
update public.alert_rules set enabled = false where rule = 'entity_yellow';

update public.alert_rules set enabled = true, threshold = 2 where rule = 'new_rejects';
insert into public.sync_rejects (entity, record_id, reason, raw, first_seen_at)
  values ('pgtap_alert', 'r1', 'bad', '{}', '2026-06-10 14:00+00');
select is(pg_temp.firing('2026-06-10 14:05+00'), '{}', 'one reject is under the threshold');
insert into public.sync_rejects (entity, record_id, reason, raw, first_seen_at)
  values ('pgtap_alert', 'r2', 'bad', '{}', '2026-06-10 14:02+00');
select is(pg_temp.firing('2026-06-10 14:05+00'), '{new_rejects:pgtap_alert}',
  'two unresolved rejects fire');
update public.sync_rejects set resolved_at = '2026-06-10 15:00+00' where record_id = 'r1';
select is(pg_temp.firing('2026-06-10 15:05+00'), '{}', 'a resolved reject no longer counts');
update public.alert_rules set enabled = false where rule = 'new_rejects';

update public.alert_rules set enabled = true where rule = 'scheduler_stopped';
select is(pg_temp.firing('2026-06-10 12:04+00'), '{}', 'the dispatcher ran 4 minutes ago');
select is(pg_temp.firing('2026-06-10 12:06+00'), '{scheduler_stopped:}',
  'silent for more than 5 minutes: scheduler_stopped fires');
update public.alert_rules set enabled = false where rule = 'scheduler_stopped';

update public.alert_rules set enabled = true, threshold = 15 where rule = 'rate_budget_exhausted';
insert into public.sync_log (entity, status, started_at, finished_at, requests, rate_limited,
  rate_limit_remaining) values
  ('pgtap_alert', 'completed', '2026-06-10 16:00+00', '2026-06-10 16:05+00', 50, 2, null),
  ('pgtap_alert', 'partial', '2026-06-10 16:10+00', '2026-06-10 16:12+00', 50, 0, 0);
select is(pg_temp.firing('2026-06-10 16:13+00'), '{}', '12 minutes exhausted: under 15');
insert into public.sync_log (entity, status, started_at, finished_at, requests, rate_limited)
  values ('pgtap_alert', 'completed', '2026-06-10 16:14+00', '2026-06-10 16:16+00', 50, 1);
select is(pg_temp.firing('2026-06-10 16:17+00'), '{rate_budget_exhausted:}',
  '16 minutes of 429s or 0 remaining: rate_budget_exhausted fires');

-- A rule switched off closes its incidents without a message.
select sync_private.evaluate_alerts('2026-06-10 16:17+00');
update public.alert_rules set enabled = false where rule = 'rate_budget_exhausted';
select sync_private.evaluate_alerts('2026-06-10 16:18+00');
select results_eq(
  $$ select kind, count(*)::int from public.alert_log where rule = 'rate_budget_exhausted'
     group by kind $$,
  $$ values ('failing', 1) $$, 'switching a rule off sends no recovered message');
update public.alert_rules set enabled = true where rule = 'rate_budget_exhausted';

insert into public.sync_log (entity, status, started_at, finished_at, requests, rate_limited)
  values ('pgtap_alert', 'completed', '2026-06-10 16:20+00', '2026-06-10 16:21+00', 50, 0);
select is(pg_temp.firing('2026-06-10 16:22+00'), '{}', 'a run without 429s ends it');

-- Who may do what.
select ok(not has_table_privilege('authenticated', 'public.alert_log', 'insert,update,delete'),
  'nobody writes alert_log through the Data API');
select ok(has_column_privilege('authenticated', 'public.alert_rules', 'threshold', 'update')
  and not has_column_privilege('authenticated', 'public.alert_rules', 'rule', 'update')
  and has_column_privilege('authenticated', 'public.alert_settings', 'test_requested_at', 'update')
  and not has_column_privilege('authenticated', 'public.alert_settings', 'max_messages_per_hour',
    'update')
  and not has_column_privilege('authenticated', 'public.alert_settings', 'dashboard_url', 'update'),
  'staff switch rules and press the test button; the sending settings are the operator''s');
select ok(not has_schema_privilege('authenticated', 'sync_private', 'usage')
  and not has_function_privilege('authenticated',
    'sync_private.send_requested_test_alert()', 'execute'),
  'the alert functions are out of the API roles'' reach');

-- Prune: the alert job's old history and old alert_log rows go.
update public.sync_schedule set job_run_details_retention_days = 7, sync_log_retention_days = 30;
insert into cron.job_run_details (jobid, job_pid, database, username, command, status,
  return_message, start_time, end_time)
select j.jobid, 0, 'postgres', 'postgres', 'select 1', 'succeeded', 'SELECT 1',
  '2026-01-01 00:00+00', '2026-01-01 00:00:01+00'
from cron.job as j where j.jobname = 'sync-alerts';
insert into public.alert_log (rule, kind, message, created_at, status)
  values ('test', 'test', 'old', '2026-01-01 00:00+00', 'sent');
select is((sync_private.prune_history('2026-06-10 12:00+00') ->> 'alert_log')::int, 1,
  'alert_log rows past sync_log''s retention are pruned');
select is(
  (select count(*)::int from cron.job_run_details as d join cron.job as j using (jobid)
   where j.jobname = 'sync-alerts' and d.start_time < '2026-02-01'), 0,
  'the alert job''s old pg_cron history is pruned');

select * from finish();
rollback;
