-- The nightly prune removes old pg_cron history of this product's own jobs only: another job's
-- history in the same database (a job someone else scheduled) stays, however old.
begin;
set local search_path = public, extensions;
select plan(3);

update public.sync_schedule set job_run_details_retention_days = 7;
select cron.schedule('pgtap-foreign-job', '0 5 * * *', 'select 1');
insert into cron.job_run_details (jobid, job_pid, database, username, command, status,
  return_message, start_time, end_time)
select j.jobid, 0, 'postgres', 'postgres', 'select 1', 'succeeded', 'SELECT 1',
  '2026-01-01 00:00+00', '2026-01-01 00:00:01+00'
from cron.job as j where j.jobname in ('pgtap-foreign-job', 'sync-dispatch');

select is(
  (sync_private.prune_history('2026-06-10 12:00+00') ->> 'job_run_details')::int >= 1, true,
  'the prune removes old history of its own jobs');
select is(
  (select count(*)::int from cron.job_run_details as d join cron.job as j using (jobid)
   where j.jobname = 'sync-dispatch' and d.start_time < '2026-02-01'), 0,
  'an own job''s history older than the retention is gone');
select is(
  (select count(*)::int from cron.job_run_details as d join cron.job as j using (jobid)
   where j.jobname = 'pgtap-foreign-job'), 1,
  'another job''s history stays, however old');

select * from finish();
rollback;
