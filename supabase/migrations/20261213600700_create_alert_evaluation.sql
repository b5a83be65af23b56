-- The alert job's work (README § Alerts), run every minute by pg_cron ('sync-alerts'): judge
-- and retry earlier deliveries, then compare what is wrong now (alert_conditions) with the open
-- incidents: a new condition opens an incident and sends one "failing" message, a condition
-- gone closes it and sends one "recovered" message, a condition still there sends nothing.
-- Switching a rule off closes its incidents without a message.

create or replace function sync_private.alert_time(p_at timestamptz)
  returns text
  language sql
  stable
  set search_path = ''
as $$
  select to_char(p_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
$$;

-- A message in words: what, which entity, since when, and the dashboard's link if configured.
create or replace function sync_private.alert_message(
  p_rule text,
  p_entity text,
  p_kind text,
  p_since timestamptz,
  p_detail text,
  p_now timestamptz default now()
)
  returns text
  language sql
  stable
  set search_path = ''
as $$
  select format('[Lightspeed sync] %s: %s%s.%s',
      case p_kind when 'failing' then 'Failing' when 'recovered' then 'Recovered' else 'Test' end,
      case when p_kind = 'failing' then
        case p_rule
          when 'entity_red' then format('%s is red', p_entity)
          when 'entity_yellow' then format('%s is yellow or red', p_entity)
          when 'consecutive_failures' then format('%s keeps failing', p_entity)
          when 'new_rejects' then format('%s has rejected records', p_entity)
          when 'scheduler_stopped' then 'the scheduler stopped'
          when 'rate_budget_exhausted' then 'Lightspeed''s rate budget is exhausted'
          else p_rule
        end || coalesce(' (' || p_detail || ')', '')
      when p_kind = 'recovered' then
        case p_rule
          when 'entity_red' then format('%s is no longer red', p_entity)
          when 'entity_yellow' then format('%s is green again', p_entity)
          when 'consecutive_failures' then format('%s has a run that did not fail', p_entity)
          when 'new_rejects' then format('%s has its rejected records resolved', p_entity)
          when 'scheduler_stopped' then 'the scheduler runs again'
          when 'rate_budget_exhausted' then 'Lightspeed''s rate budget is available again'
          else p_rule
        end
      else 'alerts reach this destination'
      end,
      case
        when p_kind = 'failing' then
          ', since ' || coalesce(sync_private.alert_time(p_since), 'an unknown time')
        when p_kind = 'recovered' then
          format(' (failing since %s, recovered %s)',
            coalesce(sync_private.alert_time(p_since), 'an unknown time'),
            sync_private.alert_time(p_now))
        else ', sent from the dashboard ' || sync_private.alert_time(p_now)
      end,
      (select ' Dashboard: ' || s.dashboard_url from public.alert_settings as s
       where s.dashboard_url is not null)
    )
$$;

create or replace function sync_private.evaluate_alerts(p_now timestamptz default now())
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_firing jsonb;
  v_row record;
  v_opened integer := 0;
  v_closed integer := 0;
  v_retries integer;
begin
  -- A manual run of the job's command must not race the scheduled one.
  if not pg_try_advisory_xact_lock(hashtext('sync_private.evaluate_alerts')) then
    return null;
  end if;
  v_retries := sync_private.check_alert_deliveries(p_now);
  select coalesce(jsonb_agg(to_jsonb(c)), '[]') into v_firing
  from sync_private.alert_conditions(p_now) as c;

  delete from sync_private.alert_incidents as i
  where not exists (select 1 from public.alert_rules as r where r.rule = i.rule and r.enabled);

  for v_row in
    select c.rule, c.entity, c.since, c.detail
    from jsonb_to_recordset(v_firing) as c(rule text, entity text, since timestamptz, detail text)
    where not exists (
      select 1 from sync_private.alert_incidents as i
      where i.rule = c.rule and i.subject = coalesce(c.entity, '')
    )
    order by c.rule, c.entity
  loop
    insert into sync_private.alert_incidents (rule, subject, since, opened_at)
    values (v_row.rule, coalesce(v_row.entity, ''), v_row.since, p_now);
    perform sync_private.queue_alert(v_row.rule, v_row.entity, 'failing', v_row.since,
      sync_private.alert_message(v_row.rule, v_row.entity, 'failing', v_row.since, v_row.detail,
        p_now),
      p_now);
    v_opened := v_opened + 1;
  end loop;

  for v_row in
    delete from sync_private.alert_incidents as i
    where not exists (
      select 1
      from jsonb_to_recordset(v_firing) as c(rule text, entity text)
      where c.rule = i.rule and coalesce(c.entity, '') = i.subject
    )
    returning i.rule, nullif(i.subject, '') as entity, i.since
  loop
    perform sync_private.queue_alert(v_row.rule, v_row.entity, 'recovered', v_row.since,
      sync_private.alert_message(v_row.rule, v_row.entity, 'recovered', v_row.since, null, p_now),
      p_now);
    v_closed := v_closed + 1;
  end loop;

  return jsonb_build_object('opened', v_opened, 'recovered', v_closed, 'retries', v_retries);
end
$$;

revoke all on function sync_private.alert_message(text, text, text, timestamptz, text,
  timestamptz) from public, anon, authenticated;
revoke all on function sync_private.alert_time(timestamptz) from public, anon, authenticated;
revoke all on function sync_private.evaluate_alerts(timestamptz)
  from public, anon, authenticated;
