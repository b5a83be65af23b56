-- Sending alert messages through pg_net (README § Alerts), so they go out while the Edge
-- Functions are down. Each message goes to every destination whose URL is in Vault:
--   alert_slack_webhook_url  a Slack-compatible incoming webhook: {"text": message}
--   alert_webhook_url        a generic JSON webhook: the message with its fields
-- pg_net sends after commit and records the answer later, so a delivery is judged by the alert
-- job's next run (check_alert_deliveries), which retries a failed one with a growing delay.

-- The destination's URL from Vault, or null when it is not configured.
create or replace function sync_private.alert_destination_url(p_destination text)
  returns text
  language sql
  stable
  set search_path = ''
as $$
  select nullif(btrim(d.decrypted_secret), '')
  from vault.decrypted_secrets as d
  where d.name = case p_destination
    when 'slack' then 'alert_slack_webhook_url'
    when 'webhook' then 'alert_webhook_url'
  end
  order by d.created_at desc
  limit 1
$$;

-- The body one destination gets: Slack's {"text"} or every field for a generic receiver.
create or replace function sync_private.alert_body(p_alert public.alert_log, p_destination text)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  select case p_destination
    when 'slack' then jsonb_build_object('text', p_alert.message)
    else jsonb_build_object(
      'alert_id', p_alert.id,
      'kind', p_alert.kind,
      'rule', p_alert.rule,
      'entity', p_alert.entity,
      'since', p_alert.since,
      'created_at', p_alert.created_at,
      'message', p_alert.message,
      'dashboard_url', (select s.dashboard_url from public.alert_settings as s)
    )
  end
$$;

-- Hands one delivery's next attempt to pg_net.
create or replace function sync_private.post_alert_delivery(
  p_delivery_id bigint,
  p_now timestamptz default now()
)
  returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_delivery sync_private.alert_deliveries;
  v_alert public.alert_log;
  v_url text;
  v_timeout_ms integer;
begin
  select * into strict v_delivery from sync_private.alert_deliveries where id = p_delivery_id;
  select * into strict v_alert from public.alert_log where id = v_delivery.alert_id;
  select s.request_timeout_ms into strict v_timeout_ms from public.alert_settings as s;
  v_url := sync_private.alert_destination_url(v_delivery.destination);
  if v_url is null then
    update sync_private.alert_deliveries
    set status = 'failed', last_error = 'destination no longer in Vault'
    where id = p_delivery_id;
    return;
  end if;
  update sync_private.alert_deliveries
  set request_id = net.http_post(
        url := v_url,
        body := sync_private.alert_body(v_alert, v_delivery.destination),
        headers := jsonb_build_object('Content-Type', 'application/json'),
        timeout_milliseconds := v_timeout_ms
      ),
      attempts = attempts + 1,
      sent_at = p_now,
      next_attempt_at = null
  where id = p_delivery_id;
  update public.alert_log set attempts = attempts + 1 where id = v_alert.id;
end
$$;

-- Records a message and sends it, unless the hourly limit is reached (suppressed) or no
-- destination is configured (no_destination). Returns the alert_log id.
create or replace function sync_private.queue_alert(
  p_rule text,
  p_entity text,
  p_kind text,
  p_since timestamptz,
  p_message text,
  p_now timestamptz default now(),
  p_requested_by uuid default null
)
  returns bigint
  language plpgsql
  set search_path = ''
as $$
declare
  v_settings public.alert_settings;
  v_destinations text[];
  v_sent_last_hour integer;
  v_alert_id bigint;
  v_delivery_id bigint;
begin
  select * into strict v_settings from public.alert_settings;
  select array_agg(d) into v_destinations
  from unnest(array['slack', 'webhook']) as d
  where sync_private.alert_destination_url(d) is not null;
  select count(*)::integer into v_sent_last_hour
  from public.alert_log as a
  where a.created_at > p_now - interval '1 hour'
    and a.status not in ('suppressed', 'no_destination');

  insert into public.alert_log (rule, entity, kind, since, message, created_at, requested_by,
    status)
  values (p_rule, p_entity, p_kind, p_since, p_message, p_now, p_requested_by,
    case
      when v_destinations is null then 'no_destination'
      when v_sent_last_hour >= v_settings.max_messages_per_hour then 'suppressed'
      else 'pending'
    end)
  returning id into v_alert_id;

  if v_destinations is not null and v_sent_last_hour < v_settings.max_messages_per_hour then
    insert into sync_private.alert_deliveries (alert_id, destination)
    select v_alert_id, d from unnest(v_destinations) as d;
    for v_delivery_id in
      select d.id from sync_private.alert_deliveries as d where d.alert_id = v_alert_id
      order by d.id
    loop
      perform sync_private.post_alert_delivery(v_delivery_id, p_now);
    end loop;
  end if;
  return v_alert_id;
end
$$;

-- What a failed attempt's response says, without any URL or body.
create or replace function sync_private.alert_attempt_error(
  p_status_code integer,
  p_timed_out boolean
)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  select case
    when p_timed_out then 'timed out'
    when p_status_code is null then 'no connection'
    else 'HTTP ' || p_status_code
  end
$$;

-- Judges the deliveries pg_net has answered, schedules retries (1, 2, 4 … minutes apart, up to
-- max_attempts), sends those that are due, and brings each touched message's status up to date.
-- Returns the number of attempts sent.
create or replace function sync_private.check_alert_deliveries(p_now timestamptz default now())
  returns integer
  language plpgsql
  set search_path = ''
as $$
declare
  v_settings public.alert_settings;
  v_row record;
  v_error text;
  v_sent integer := 0;
  v_touched bigint[] := '{}'::bigint[];
begin
  select * into strict v_settings from public.alert_settings;
  for v_row in
    select d.id, d.alert_id, d.attempts, r.status_code, r.timed_out,
      r.id is not null as answered
    from sync_private.alert_deliveries as d
    left join net._http_response as r on r.id = d.request_id
    where d.status = 'pending' and d.request_id is not null
      and (r.id is not null or (
        -- Neither answered nor queued well past its timeout: pg_net lost it (restart, TTL).
        not exists (select 1 from net.http_request_queue as q where q.id = d.request_id)
        and d.sent_at < p_now - make_interval(secs => v_settings.request_timeout_ms / 1000.0)
          - interval '2 minutes'
      ))
  loop
    v_touched := v_touched || v_row.alert_id;
    if v_row.answered and v_row.status_code between 200 and 299 then
      update sync_private.alert_deliveries set status = 'sent', last_error = null
      where id = v_row.id;
      continue;
    end if;
    v_error := case when v_row.answered
      then sync_private.alert_attempt_error(v_row.status_code, v_row.timed_out)
      else 'no response' end;
    update sync_private.alert_deliveries
    set last_error = v_error,
        request_id = null,
        status = case when attempts >= v_settings.max_attempts then 'failed' else 'pending' end,
        next_attempt_at = p_now + interval '1 minute' * power(2, attempts - 1)
    where id = v_row.id;
  end loop;

  for v_row in
    select d.id, d.alert_id from sync_private.alert_deliveries as d
    where d.status = 'pending' and d.request_id is null and d.next_attempt_at <= p_now
    order by d.id
  loop
    perform sync_private.post_alert_delivery(v_row.id, p_now);
    v_touched := v_touched || v_row.alert_id;
    v_sent := v_sent + 1;
  end loop;

  update public.alert_log as a
  set status = s.status, delivered_at = s.delivered_at, last_error = s.last_error
  from (
    select d.alert_id,
      case
        when bool_and(d.status = 'sent') then 'sent'
        when bool_or(d.status = 'failed') then 'failed'
        else 'pending'
      end as status,
      case when bool_and(d.status = 'sent') then p_now end as delivered_at,
      string_agg(d.destination || ': ' || d.last_error, '; ' order by d.destination)
        as last_error
    from sync_private.alert_deliveries as d
    where d.alert_id = any(v_touched)
    group by d.alert_id
  ) as s
  where a.id = s.alert_id;
  return v_sent;
end
$$;

revoke all on function sync_private.alert_destination_url(text) from public, anon, authenticated;
revoke all on function sync_private.alert_body(public.alert_log, text)
  from public, anon, authenticated;
revoke all on function sync_private.post_alert_delivery(bigint, timestamptz)
  from public, anon, authenticated;
revoke all on function sync_private.queue_alert(text, text, text, timestamptz, text, timestamptz,
  uuid) from public, anon, authenticated;
revoke all on function sync_private.alert_attempt_error(integer, boolean)
  from public, anon, authenticated;
revoke all on function sync_private.check_alert_deliveries(timestamptz)
  from public, anon, authenticated;
