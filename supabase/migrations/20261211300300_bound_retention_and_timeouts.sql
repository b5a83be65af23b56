-- Bounds for the retention, timeout and overlap settings, so no value can wipe the history an
-- operator needs or make the sync hammer Lightspeed (README § Settings bounds):
--   job_run_details_retention_days  7-3650 (was 1-3650): a week of pg_cron history is the least
--     that lets an operator look back over a weekend's failures;
--   call_timeout_ms  1000-150000 (was up to 900000): scheduled calls are answered at once, and a
--     hosted function answers 504 after 150 s idle, so a longer pg_net timeout never helps and
--     holds up the project's other pg_net requests;
--   overlap_every  1 hour-7 days: each re-read costs pages from the shared request budget;
--   overlap_window  0-72 hours: late commits land within minutes, 72 hours covers a weekend
--     outage, and the start cursor is looked up in sync_log (kept at least 7 days).
-- Values outside a bound are moved to the nearest bound first, so the migration applies to a
-- project whatever was set there.
update public.sync_schedule
set job_run_details_retention_days = greatest(job_run_details_retention_days, 7),
  call_timeout_ms = least(call_timeout_ms, 150000)
where job_run_details_retention_days < 7 or call_timeout_ms > 150000;

alter table public.sync_schedule
  drop constraint if exists sync_schedule_job_run_details_retention_days_check,
  drop constraint if exists sync_schedule_call_timeout_ms_check;
alter table public.sync_schedule
  add constraint sync_schedule_job_run_details_retention_days_check
    check (job_run_details_retention_days between 7 and 3650),
  add constraint sync_schedule_call_timeout_ms_check
    check (call_timeout_ms between 1000 and 150000);

update public.sync_settings
set overlap_every = least(greatest(overlap_every, interval '1 hour'), interval '7 days'),
  overlap_window = least(overlap_window, interval '72 hours')
where overlap_every not between interval '1 hour' and interval '7 days'
  or overlap_window > interval '72 hours';

alter table public.sync_settings drop constraint if exists sync_settings_overlap_bounds;
alter table public.sync_settings
  add constraint sync_settings_overlap_bounds check (
    overlap_every between interval '1 hour' and interval '7 days'
    and overlap_window between interval '0' and interval '72 hours'
  );
