-- The reconcile job judges a scheduled sync-entity call by the run it started (sync_log.call_id,
-- 20261210100000), no longer by pg_net's response alone: the dispatcher asks for respond-async
-- (20261210100200), so a good answer is a 202 that only says the run was opened. In order:
--   1. a run carries the call's id: completed, partial or skipped is a call that worked; failed
--      is already visible as that run; still running is waited for until its lease (plus a
--      grace) has run out, and then the run is closed as failed: the function stopped and
--      nothing else would say so before the entity's next run;
--   2. no such run yet: a 202, or a timeout (the request may still reach the function and open
--      its run late), is given 2 minutes from the call for its run to show, then a 202 becomes a
--      failed sync_log row; everything else is judged by pg_net's response as before
--      (20261125110200): an HTTP status >= 400, a timeout, a connection error or no response
--      within the timeout plus a minute is a failed row, unless a run no scheduled call started
--      (manual, dashboard, import) was recorded for the entity since: its own row is the truth.
-- import-history calls carry no call id and are judged by their response, as before.
create schema if not exists sync_private;

-- Closes a scheduled run still 'running' after its lease ran out: the function stopped (crash,
-- timeout, platform limit) without closing it. The entity shows it as its failed latest run.
create or replace function sync_private.close_overdue_run(p_run_id bigint, p_now timestamptz)
  returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_error constant text := 'The run did not end within its lease (the function stopped: '
    || 'crash, timeout or platform limit); the pages it committed are kept and the next run '
    || 'resumes from its checkpoint';
  v_entity text;
begin
  update public.sync_log as l
  set status = 'failed',
    finished_at = greatest(p_now, l.started_at),
    duration_ms = greatest(0, round(extract(epoch from (p_now - l.started_at)) * 1000))::integer,
    error = v_error
  where l.id = p_run_id and l.status = 'running'
  returning l.entity into v_entity;

  update public.sync_state as st
  set last_status = 'failed', last_error = v_error, updated_at = p_now
  where st.entity = v_entity and st.last_run_id = p_run_id and st.last_status = 'running';
end
$$;

-- Settles a call from the run that carries its id (rule 1 above). Returns 1 when it made a
-- failure visible (an overdue run closed), else 0.
create or replace function sync_private.settle_call_by_run(
  p_call_id bigint,
  p_status_code integer,
  p_now timestamptz
)
  returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_run record;
begin
  select l.id, l.status, l.error, l.started_at, st.lease_expires_at into v_run
  from public.sync_log as l
  left join public.sync_state as st on st.entity = l.entity
  where l.call_id = p_call_id
  order by l.id desc
  limit 1;

  if v_run.status in ('completed', 'partial', 'skipped') then
    update sync_private.scheduled_calls
    set outcome = 'succeeded', status_code = p_status_code, resolved_at = p_now
    where id = p_call_id;
    return 0;
  elsif v_run.status = 'failed' then
    update sync_private.scheduled_calls
    set outcome = 'failed', status_code = p_status_code, resolved_at = p_now,
      error = format('run %s failed: %s', v_run.id, left(coalesce(v_run.error, ''), 300))
    where id = p_call_id;
    return 0;
  -- Still running: the lease it renews with every page (no lease: it is gone) plus a grace.
  elsif p_now < coalesce(v_run.lease_expires_at, v_run.started_at) + interval '1 minute' then
    return 0;
  end if;

  perform sync_private.close_overdue_run(v_run.id, p_now);
  update sync_private.scheduled_calls
  set outcome = 'failed', status_code = p_status_code, resolved_at = p_now,
    error = format('run %s did not end within its lease', v_run.id), sync_log_id = v_run.id
  where id = p_call_id;
  return 1;
end
$$;

-- How a call that no run carries the id of ended, by its response (rule 2 above): settled is
-- false while it may still show its run or answer; error is null when it succeeded.
create or replace function sync_private.judge_call_without_run(
  p_call_id bigint,
  p_function_name text,
  p_requested_at timestamptz,
  p_timeout_ms integer,
  p_answered boolean,
  p_status_code integer,
  p_timed_out boolean,
  p_error_msg text,
  p_headers jsonb,
  p_now timestamptz,
  out settled boolean,
  out error text
)
  language plpgsql
  stable
  set search_path = ''
as $$
begin
  settled := true;
  if not p_answered then
    -- The worker answers timeouts itself; no answer long after that means the call was lost
    -- (queue dropped by a crash, worker not running).
    settled := p_now >= p_requested_at + make_interval(secs => p_timeout_ms / 1000.0 + 60);
    error := format('scheduled call to %s got no response within %s ms', p_function_name,
      p_timeout_ms);
    return;
  end if;
  if p_function_name = 'sync-entity' and (p_status_code = 202 or coalesce(p_timed_out, false))
  then
    settled := p_now >= p_requested_at + interval '2 minutes';
    if p_status_code = 202 then
      error := format(
        'scheduled call to sync-entity was accepted (HTTP 202) but no run with its call id %s '
          || 'started within 2 minutes',
        p_call_id
      );
      return;
    end if;
  end if;
  error := sync_private.describe_call_failure(
    p_function_name, p_timeout_ms, p_status_code, p_timed_out, p_error_msg, p_headers
  );
end
$$;

-- The cron job 'sync-reconcile' runs this every minute: it settles the pending calls and makes
-- failures visible. Returns the number of failures it made visible.
create or replace function sync_private.reconcile_scheduled_calls(
  p_now timestamptz default now()
)
  returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_call record;
  v_verdict record;
  v_failed integer := 0;
begin
  for v_call in
    select
      c.id, c.entity, c.function_name, c.requested_at, c.timeout_ms,
      r.id is not null as answered, r.status_code, r.timed_out, r.error_msg, r.headers,
      exists (select 1 from public.sync_log as l where l.call_id = c.id) as has_run
    from sync_private.scheduled_calls as c
    left join lateral (
      select * from net._http_response as resp where resp.id = c.request_id
      order by resp.created desc limit 1
    ) as r on true
    where c.outcome = 'pending' and c.request_id is not null
    order by c.id
    for update of c skip locked
  loop
    if v_call.has_run then
      v_failed := v_failed
        + sync_private.settle_call_by_run(v_call.id, v_call.status_code, p_now);
      continue;
    end if;

    v_verdict := sync_private.judge_call_without_run(
      v_call.id, v_call.function_name, v_call.requested_at, v_call.timeout_ms, v_call.answered,
      v_call.status_code, v_call.timed_out, v_call.error_msg, v_call.headers, p_now
    );
    if not v_verdict.settled then
      continue;
    elsif v_verdict.error is null then
      update sync_private.scheduled_calls
      set outcome = 'succeeded', status_code = v_call.status_code, resolved_at = p_now
      where id = v_call.id;
    elsif exists (
      -- A run no scheduled call started was recorded for the entity since: it tells the truth
      -- (and a run still 'running' is recovered via its lease).
      select 1 from public.sync_log as l
      where l.entity = v_call.entity and l.started_at >= v_call.requested_at
        and l.call_id is null
    ) then
      update sync_private.scheduled_calls
      set outcome = 'failed', status_code = v_call.status_code, error = v_verdict.error,
        resolved_at = p_now
      where id = v_call.id;
    else
      update sync_private.scheduled_calls set status_code = v_call.status_code
      where id = v_call.id;
      perform sync_private.record_call_failure(v_call.id, v_verdict.error, p_now);
      v_failed := v_failed + 1;
    end if;
  end loop;

  return v_failed;
end
$$;

revoke all on function sync_private.close_overdue_run(bigint, timestamptz)
  from public, anon, authenticated;
revoke all on function sync_private.settle_call_by_run(bigint, integer, timestamptz)
  from public, anon, authenticated;
revoke all on function sync_private.judge_call_without_run(
  bigint, text, timestamptz, integer, boolean, integer, boolean, text, jsonb, timestamptz
) from public, anon, authenticated;
revoke all on function sync_private.reconcile_scheduled_calls(timestamptz)
  from public, anon, authenticated;
