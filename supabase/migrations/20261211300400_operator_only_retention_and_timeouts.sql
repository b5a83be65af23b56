-- Retention, timeout and overlap settings are the operator's (SQL as the database owner), not
-- staff's: through the Data API a staff member could otherwise shorten every history the
-- operator relies on, or make each run re-read days of pages. Staff keep the switches and
-- thresholds the dashboard edits (sync_settings: enabled, yellow_after, red_after;
-- sync_schedule: enabled, time_zone, incremental_every_minutes, nightly_hour). Column-level
-- revokes: they take back exactly the column grants of 20261125090310 and 20261125110000.
revoke update (overlap_every, overlap_window) on table public.sync_settings from authenticated;
revoke update (job_run_details_retention_days, sync_log_retention_days, call_timeout_ms)
  on table public.sync_schedule from authenticated;
