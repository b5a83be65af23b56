-- The nightly prune also deletes webhook history older than sync_log_retention_days: events
-- (webhook_events) last received before then, and refusal counters (webhook_rejections) whose
-- last refusal was. Recent ones stay, so the dashboard's 24 h figures and health's last event
-- are unchanged. The rest is unchanged from 20261213600900_schedule_alert_job.sql.
create or replace function sync_private.prune_history(p_now timestamptz default now())
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_settings public.sync_schedule;
  v_before timestamptz;
  v_job_runs bigint;
  v_log_rows bigint;
  v_calls bigint;
  v_alerts bigint;
  v_events bigint;
  v_rejections bigint;
begin
  select * into strict v_settings from public.sync_schedule;
  v_before := p_now - make_interval(days => v_settings.sync_log_retention_days);

  delete from cron.job_run_details as d
  where d.end_time < p_now - make_interval(days => v_settings.job_run_details_retention_days)
    and d.jobid in (
      select j.jobid from cron.job as j
      where j.jobname in ('sync-dispatch', 'sync-reconcile', 'sync-prune', 'sync-alerts')
        and j.database = current_database()
    );
  get diagnostics v_job_runs = row_count;

  delete from public.sync_log as l
  where l.started_at < v_before
    and l.status <> 'running'
    -- Keep each entity's latest run, however old: health and the dashboard point at it.
    and not exists (select 1 from public.sync_state as st where st.last_run_id = l.id);
  get diagnostics v_log_rows = row_count;

  delete from sync_private.scheduled_calls as c
  where c.requested_at < v_before and c.outcome <> 'pending';
  get diagnostics v_calls = row_count;

  delete from public.alert_log as a where a.created_at < v_before and a.status <> 'pending';
  get diagnostics v_alerts = row_count;

  delete from public.webhook_events as e where e.last_received_at < v_before;
  get diagnostics v_events = row_count;

  delete from public.webhook_rejections as r where r.last_at < v_before;
  get diagnostics v_rejections = row_count;

  return jsonb_build_object(
    'job_run_details', v_job_runs, 'sync_log', v_log_rows, 'scheduled_calls', v_calls,
    'alert_log', v_alerts, 'webhook_events', v_events, 'webhook_rejections', v_rejections
  );
end
$$;

revoke all on function sync_private.prune_history(timestamptz) from public, anon, authenticated;
