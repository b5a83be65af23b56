-- What is wrong now, by alert rule (README § Alerts): one row per enabled rule and subject
-- whose condition holds at p_now, with since when and a detail in words (no error text: it
-- goes into messages). The alert job opens an incident for a new row and closes it when the
-- row is gone. An entity's state is the health rule's (public.sync_entity_health), judged by
-- its latest finished run, so a run in progress does not end an incident for a moment.
create or replace function sync_private.alert_conditions(p_now timestamptz default now())
  returns table (rule text, entity text, since timestamptz, detail text)
  language sql
  stable
  set search_path = ''
as $$
  with rules as (
    select r.rule, r.threshold from public.alert_rules as r where r.enabled
  ),
  finished as (
    select l.entity, l.status, l.started_at, l.finished_at, l.requests, l.rate_limited,
      l.rate_limit_remaining
    from public.sync_log as l
    where l.status in ('completed', 'partial', 'failed')
  ),
  streaks as (
    -- Each entity's failed runs since its last run that did not fail.
    select f.entity, count(*)::integer as failures, min(f.started_at) as since
    from finished as f
    where f.status = 'failed'
      and f.started_at > coalesce((
        select max(o.started_at) from finished as o
        where o.entity = f.entity and o.status <> 'failed'
      ), '-infinity')
    group by f.entity
  ),
  states as (
    select e.entity, h.status, h.reason, st.last_success_at, s.yellow_after, s.red_after,
      k.since as failing_since
    from public.sync_entities as e
    join public.sync_settings as s on s.entity = e.entity
    cross join public.sync_schedule as sch
    left join public.sync_state as st on st.entity = e.entity
    left join streaks as k on k.entity = e.entity
    left join lateral (
      select f.status from finished as f where f.entity = e.entity
      order by f.started_at desc limit 1
    ) as latest on true
    cross join lateral public.sync_entity_health(s.enabled, sch.enabled, st.last_success_at,
      latest.status, s.yellow_after, s.red_after, p_now) as h
  ),
  exhausted as (
    -- Runs that met an exhausted budget (a 429, or Lightspeed saying 0 remaining) since the
    -- last run that made requests and met none.
    select min(f.started_at) as since, max(coalesce(f.finished_at, f.started_at)) as latest
    from finished as f
    where (f.rate_limited > 0 or f.rate_limit_remaining = 0)
      and f.started_at > coalesce((
        select max(o.started_at) from finished as o
        where o.requests > 0 and o.rate_limited = 0 and o.rate_limit_remaining is distinct from 0
      ), '-infinity')
  )
  select 'entity_red', s.entity,
    coalesce(s.failing_since, s.last_success_at + s.red_after), s.reason
  from states as s
  where s.status = 'red' and exists (select 1 from rules where rules.rule = 'entity_red')
  union all
  select 'entity_yellow', s.entity,
    coalesce(s.failing_since, s.last_success_at + s.yellow_after), s.reason
  from states as s
  where s.status in ('yellow', 'red')
    and exists (select 1 from rules where rules.rule = 'entity_yellow')
  union all
  select 'consecutive_failures', k.entity, k.since,
    format('%s runs in a row failed', k.failures)
  from streaks as k
  join rules as r on r.rule = 'consecutive_failures'
  join public.sync_settings as s on s.entity = k.entity and s.enabled
  where k.failures >= r.threshold
  union all
  select 'new_rejects', j.entity, min(j.first_seen_at),
    format('%s unresolved rejected records', count(*))
  from public.sync_rejects as j
  join rules as r on r.rule = 'new_rejects'
  where j.resolved_at is null
  group by j.entity, r.threshold
  having count(*) >= r.threshold
  union all
  select 'scheduler_stopped', null, h.last_dispatch_at,
    'the schedule is on but the dispatcher has not run for more than 5 minutes'
  from public.sync_scheduler_health(p_now) as h
  where h.status = 'red' and exists (select 1 from rules where rules.rule = 'scheduler_stopped')
  union all
  select 'rate_budget_exhausted', null, x.since,
    format('429s or 0 remaining for %s minutes', floor(extract(epoch from
      greatest(x.latest, case when b.paused then p_now end) - x.since) / 60))
  from exhausted as x
  join rules as r on r.rule = 'rate_budget_exhausted'
  cross join lateral (
    select exists (
      select 1 from sync_private.request_budget as rb where rb.paused_until > p_now
    ) as paused
  ) as b
  where x.since is not null
    and greatest(x.latest, case when b.paused then p_now end) - x.since
      >= make_interval(mins => r.threshold)
$$;

revoke all on function sync_private.alert_conditions(timestamptz)
  from public, anon, authenticated;
