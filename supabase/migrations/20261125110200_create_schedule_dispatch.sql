-- Sending the due calls through pg_net, checking their outcome afterwards, and pruning history.
-- The project URL and the sync secret are read from Vault when a job runs; they never appear in
-- a job, a migration or a log row.
create schema if not exists sync_private;

-- Makes a failed scheduled call visible where health and the dashboard look: a failed sync_log
-- row and sync_state.last_status = 'failed' (unless a newer run has been recorded since).
create or replace function sync_private.record_call_failure(
  p_call_id bigint,
  p_error text,
  p_now timestamptz
)
  returns bigint
  language plpgsql
  set search_path = ''
as $$
declare
  v_call sync_private.scheduled_calls;
  v_log_id bigint;
begin
  select * into strict v_call from sync_private.scheduled_calls where id = p_call_id;

  insert into public.sync_log (entity, trigger, status, started_at, finished_at, duration_ms, error)
  values (
    v_call.entity,
    'schedule',
    'failed',
    v_call.requested_at,
    greatest(p_now, v_call.requested_at),
    greatest(0, round(extract(epoch from (p_now - v_call.requested_at)) * 1000))::integer,
    p_error
  )
  returning id into v_log_id;

  insert into public.sync_state as st (
    entity, last_run_id, last_run_at, last_status, last_error, updated_at
  )
  values (v_call.entity, v_log_id, v_call.requested_at, 'failed', p_error, p_now)
  on conflict (entity) do update
  set
    last_run_id = excluded.last_run_id,
    last_run_at = excluded.last_run_at,
    last_status = 'failed',
    last_error = excluded.last_error,
    updated_at = excluded.updated_at
  where st.last_run_at is null or st.last_run_at <= excluded.last_run_at;

  update sync_private.scheduled_calls
  set outcome = 'failed', error = p_error, resolved_at = p_now, sync_log_id = v_log_id
  where id = p_call_id;

  return v_log_id;
end
$$;

-- The cron job 'sync-dispatch' runs this every minute. Returns the number of calls made.
create or replace function sync_private.dispatch_due_syncs(p_now timestamptz default now())
  returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_timeout_ms integer;
  v_project_url text;
  v_sync_secret text;
  v_missing text;
  v_due record;
  v_call_id bigint;
  v_count integer := 0;
begin
  -- A manual run of the job's command must not race the scheduled one.
  if not pg_try_advisory_xact_lock(hashtext('sync_private.dispatch_due_syncs')) then
    return 0;
  end if;

  select s.call_timeout_ms into v_timeout_ms from public.sync_schedule as s where s.enabled;
  if not found then
    return 0;
  end if;

  select nullif(btrim(d.decrypted_secret), '') into v_project_url
  from vault.decrypted_secrets as d where d.name = 'project_url';
  select nullif(d.decrypted_secret, '') into v_sync_secret
  from vault.decrypted_secrets as d where d.name = 'sync_secret';
  v_missing := case
    when v_project_url is null then 'project_url'
    when v_sync_secret is null then 'sync_secret'
  end;

  for v_due in select * from sync_private.due_calls(p_now) loop
    insert into sync_private.scheduled_calls (
      entity, function_name, reason, body, nightly_date, requested_at, timeout_ms
    )
    values (
      v_due.entity, v_due.function_name, v_due.reason, v_due.body, v_due.nightly_date, p_now,
      v_timeout_ms
    )
    returning id into v_call_id;

    if v_missing is not null then
      -- Never send a request with a NULL URL or secret; say what is missing instead.
      perform sync_private.record_call_failure(
        v_call_id,
        format(
          'scheduled call not sent: Vault secret %s is missing (run deno task deploy)',
          v_missing
        ),
        p_now
      );
    else
      update sync_private.scheduled_calls
      set request_id = net.http_post(
        url := rtrim(v_project_url, '/') || '/functions/v1/' || v_due.function_name,
        body := v_due.body,
        headers := jsonb_build_object(
          'Content-Type', 'application/json',
          'x-sync-secret', v_sync_secret
        ),
        timeout_milliseconds := v_timeout_ms
      )
      where id = v_call_id;
    end if;
    v_count := v_count + 1;
  end loop;

  return v_count;
end
$$;

-- The error text for a finished pg_net request, or null when it succeeded.
create or replace function sync_private.describe_call_failure(
  p_function_name text,
  p_timeout_ms integer,
  p_status_code integer,
  p_timed_out boolean,
  p_error_msg text,
  p_headers jsonb
)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  select case
    when coalesce(p_timed_out, false) then
      format('scheduled call to %s timed out after %s ms', p_function_name, p_timeout_ms)
    when p_error_msg is not null then
      format('scheduled call to %s failed: %s', p_function_name, left(p_error_msg, 300))
    when p_status_code is null or p_status_code >= 400 then
      format(
        'scheduled call failed: HTTP %s from %s%s',
        coalesce(p_status_code::text, 'without a status'),
        p_function_name,
        -- Supabase names the platform-side cause (e.g. WORKER_RESOURCE_LIMIT) in a header.
        coalesce(' (' || left(
          (select h.value from jsonb_each_text(coalesce(p_headers, '{}'::jsonb)) as h(key, value)
           where lower(h.key) = 'sb-error-code' limit 1),
          80
        ) || ')', '')
      )
  end
$$;

-- The cron job 'sync-reconcile' runs this every minute: it settles the pending calls from
-- pg_net's responses, and makes failures visible unless the function recorded the run itself.
create or replace function sync_private.reconcile_scheduled_calls(
  p_now timestamptz default now()
)
  returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_call record;
  v_error text;
  v_failed integer := 0;
begin
  for v_call in
    select
      c.id, c.entity, c.function_name, c.requested_at, c.timeout_ms,
      r.id is not null as answered, r.status_code, r.timed_out, r.error_msg, r.headers
    from sync_private.scheduled_calls as c
    left join lateral (
      select * from net._http_response as resp where resp.id = c.request_id
      order by resp.created desc limit 1
    ) as r on true
    where c.outcome = 'pending' and c.request_id is not null
    order by c.id
    for update of c skip locked
  loop
    if not v_call.answered then
      -- The worker answers timeouts itself; no answer long after that means the call was lost
      -- (queue dropped by a crash, worker not running).
      if p_now < v_call.requested_at + make_interval(secs => v_call.timeout_ms / 1000.0 + 60) then
        continue;
      end if;
      v_error := format(
        'scheduled call to %s got no response within %s ms', v_call.function_name,
        v_call.timeout_ms
      );
    else
      v_error := sync_private.describe_call_failure(
        v_call.function_name, v_call.timeout_ms, v_call.status_code, v_call.timed_out,
        v_call.error_msg, v_call.headers
      );
    end if;

    if v_error is null then
      update sync_private.scheduled_calls
      set outcome = 'succeeded', status_code = v_call.status_code, resolved_at = p_now
      where id = v_call.id;
    elsif exists (
      -- The function got far enough to record a run for this entity after the call was made:
      -- its own row tells the truth (and a run still 'running' is recovered via its lease).
      select 1 from public.sync_log as l
      where l.entity = v_call.entity and l.started_at >= v_call.requested_at
    ) then
      update sync_private.scheduled_calls
      set outcome = 'failed', status_code = v_call.status_code, error = v_error,
        resolved_at = p_now
      where id = v_call.id;
    else
      update sync_private.scheduled_calls set status_code = v_call.status_code
      where id = v_call.id;
      perform sync_private.record_call_failure(v_call.id, v_error, p_now);
      v_failed := v_failed + 1;
    end if;
  end loop;

  return v_failed;
end
$$;

-- The cron job 'sync-prune' runs this daily: pg_cron never purges its run history, and sync_log
-- grows by a few rows per entity per hour.
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
begin
  select * into strict v_settings from public.sync_schedule;

  delete from cron.job_run_details as d
  where d.end_time < p_now - make_interval(days => v_settings.job_run_details_retention_days);
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

  return jsonb_build_object(
    'job_run_details', v_job_runs, 'sync_log', v_log_rows, 'scheduled_calls', v_calls
  );
end
$$;

revoke all on function sync_private.record_call_failure(bigint, text, timestamptz)
  from public, anon, authenticated;
revoke all on function sync_private.dispatch_due_syncs(timestamptz)
  from public, anon, authenticated;
revoke all on function sync_private.describe_call_failure(text, integer, integer, boolean, text, jsonb)
  from public, anon, authenticated;
revoke all on function sync_private.reconcile_scheduled_calls(timestamptz)
  from public, anon, authenticated;
revoke all on function sync_private.prune_history(timestamptz) from public, anon, authenticated;
