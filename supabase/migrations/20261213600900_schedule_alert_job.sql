-- The alert job, registered like the other three (20261125110300): its command only calls the
-- function, cron.schedule replaces a job of the same name.
select cron.schedule('sync-alerts', '* * * * *', 'select sync_private.evaluate_alerts()');

-- The nightly prune now also covers the alert job's pg_cron history (still only the product's
-- own jobs) and alert_log rows past sync_log's retention (their deliveries go with them). The
-- rest is unchanged from 20261211300500_prune_only_own_cron_history.sql.
create or replace function sync_private.prune_history(p_now timestamptz default now())
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_settings public.sync_schedule;
  v_job_runs bigint;
  v_log_rows bigint;
  v_calls bigint;
  v_alerts bigint;
begin
  select * into strict v_settings from public.sync_schedule;

  delete from cron.job_run_details as d
  where d.end_time < p_now - make_interval(days => v_settings.job_run_details_retention_days)
    and d.jobid in (
      select j.jobid from cron.job as j
      where j.jobname in ('sync-dispatch', 'sync-reconcile', 'sync-prune', 'sync-alerts')
        and j.database = current_database()
    );
  get diagnostics v_job_runs = row_count;

  delete from public.sync_log as l
  where l.started_at < p_now - make_interval(days => v_settings.sync_log_retention_days)
    and l.status <> 'running'
    -- Keep each entity's latest run, however old: health and the dashboard point at it.
    and not exists (select 1 from public.sync_state as st where st.last_run_id = l.id);
  get diagnostics v_log_rows = row_count;

  delete from sync_private.scheduled_calls as c
  where c.requested_at < p_now - make_interval(days => v_settings.sync_log_retention_days)
    and c.outcome <> 'pending';
  get diagnostics v_calls = row_count;

  delete from public.alert_log as a
  where a.created_at < p_now - make_interval(days => v_settings.sync_log_retention_days)
    and a.status <> 'pending';
  get diagnostics v_alerts = row_count;

  return jsonb_build_object(
    'job_run_details', v_job_runs, 'sync_log', v_log_rows, 'scheduled_calls', v_calls,
    'alert_log', v_alerts
  );
end
$$;

revoke all on function sync_private.prune_history(timestamptz) from public, anon, authenticated;
