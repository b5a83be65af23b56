-- Scheduled calls are signed instead of carrying the sync secret (README § Security): pg_net keeps
-- each request's headers in net.http_request_queue, a table real pg_net grants to every role, so
-- a header holding the secret handed a reusable credential to anyone who can read that table.
-- Each call now sends
--   x-sync-call-id:   <scheduled_calls.id>
--   x-sync-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(sync_secret, t.call_id.body)>
-- The function accepts a signature within 120 s of its time and each call id once
-- (_shared/auth/scheduler_signature.ts); the key stays in Vault. import-history gets the call id
-- too (it names the signed call); Prefer: respond-async stays for sync-entity only. The body is
-- otherwise the one from 20261210100200_send_scheduled_calls_async.sql.
create extension if not exists pgcrypto with schema extensions;

-- The signature header's value. body::text is exactly what pg_net sends (it posts the jsonb as
-- text); the time is the real clock, never a test's p_now, since the function checks it.
create or replace function sync_private.scheduler_signature(
  p_secret text,
  p_call_id bigint,
  p_body jsonb,
  p_signed_at timestamptz default clock_timestamp()
)
  returns text
  language sql
  volatile
  set search_path = ''
as $$
  select format(
    't=%s,v1=%s',
    floor(extract(epoch from p_signed_at))::bigint,
    encode(
      extensions.hmac(
        convert_to(
          floor(extract(epoch from p_signed_at))::bigint || '.' || p_call_id || '.' || p_body::text,
          'UTF8'
        ),
        convert_to(p_secret, 'UTF8'),
        'sha256'
      ),
      'hex'
    )
  )
$$;

revoke all on function sync_private.scheduler_signature(text, bigint, jsonb, timestamptz)
  from public, anon, authenticated;

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

  -- The heartbeat, written whether or not the schedule is enabled: it says pg_cron runs this
  -- job. It commits only with the run, so a dispatcher that raises leaves it to go stale.
  -- now(), not p_now: a manual run with another p_now is still a sign of life now.
  insert into public.sync_scheduler_heartbeat (id, last_dispatch_at) values (true, now())
  on conflict (id) do update set last_dispatch_at = excluded.last_dispatch_at;

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
      -- Never send a request with a NULL URL or key; say what is missing instead.
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
          'x-sync-call-id', v_call_id::text,
          'x-sync-signature', sync_private.scheduler_signature(v_sync_secret, v_call_id, v_due.body)
        ) || case when v_due.function_name = 'sync-entity' then jsonb_build_object(
          -- Answer once the run is open and sync in the background; the run stores the call id,
          -- by which the reconcile job judges the call.
          'Prefer', 'respond-async'
        ) else '{}'::jsonb end,
        timeout_milliseconds := v_timeout_ms
      )
      where id = v_call_id;
    end if;
    v_count := v_count + 1;
  end loop;

  return v_count;
end
$$;

revoke all on function sync_private.dispatch_due_syncs(timestamptz)
  from public, anon, authenticated;
