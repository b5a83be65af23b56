-- What is due, decided in SQL from the settings and sync_state. Every function takes "now" as
-- an argument so the decisions (DST included) are tested with fixed instants in pgTAP.
create schema if not exists sync_private;

create or replace function sync_private.is_time_zone(p_name text)
  returns boolean
  language plpgsql
  stable
  set search_path = ''
as $$
begin
  if p_name is null or btrim(p_name) = '' then
    return false;
  end if;
  perform timezone(p_name, now());
  return true;
exception
  when invalid_parameter_value then
    return false;
end
$$;

-- The store's time zone: the setting, else the first outlet's (by name), else UTC.
create or replace function sync_private.store_time_zone()
  returns text
  language sql
  stable
  set search_path = ''
as $$
  select coalesce(
    (
      select s.time_zone
      from public.sync_schedule as s
      where sync_private.is_time_zone(s.time_zone)
    ),
    (
      select o.time_zone
      from public.lightspeed_outlets as o
      where o.deleted_at is null and sync_private.is_time_zone(o.time_zone)
      order by o.name, o.id
      limit 1
    ),
    'UTC'
  )
$$;

-- The instant of the nightly run on a store-local date. A local hour that does not exist (the
-- spring-forward gap) maps to the instant just after the gap; a repeated hour (fall back)
-- maps to one of its two instants. Either way there is exactly one instant per local date.
create or replace function sync_private.nightly_slot(
  p_local_date date,
  p_hour integer,
  p_time_zone text
)
  returns timestamptz
  language sql
  stable
  set search_path = ''
as $$
  select timezone(p_time_zone, p_local_date + make_time(p_hour, 0, 0))
$$;

-- The store-local date whose nightly run is due at p_now (null before today's slot). Callers
-- run it at most once per returned date, so it happens exactly once per local day.
create or replace function sync_private.nightly_due_date(
  p_now timestamptz,
  p_hour integer,
  p_time_zone text
)
  returns date
  language sql
  stable
  set search_path = ''
as $$
  select local_date
  from (select timezone(p_time_zone, p_now)::date as local_date) as today
  where p_now >= sync_private.nightly_slot(local_date, p_hour, p_time_zone)
$$;

-- Start of the incremental slot containing p_now; one incremental call per entity per slot.
create or replace function sync_private.incremental_slot_start(
  p_now timestamptz,
  p_every_minutes integer
)
  returns timestamptz
  language sql
  immutable
  set search_path = ''
as $$
  select date_bin(
    make_interval(mins => p_every_minutes), p_now, timestamptz '2000-01-01 00:00:00+00'
  )
$$;

-- One row per enabled entity that needs a call at p_now, with the call to make. Priority:
-- continue an unfinished import, recover a run stuck past its lease, the nightly run, continue
-- a partial run, the incremental run. Nothing is sent while a run holds a live lease.
create or replace function sync_private.due_calls(p_now timestamptz)
  returns table (
    entity text,
    function_name text,
    reason text,
    body jsonb,
    nightly_date date
  )
  -- plpgsql, not sql: its plan is cached, and the dispatcher calls it every minute. JIT off:
  -- compiling this tiny query costs ~70 ms, running it well under 1 ms.
  language plpgsql
  stable
  set search_path = ''
  set jit = off
as $$
#variable_conflict use_column
begin
  return query
  with schedule as materialized (
    select
      sync_private.incremental_slot_start(p_now, s.incremental_every_minutes) as slot_start,
      sync_private.nightly_due_date(p_now, s.nightly_hour, sync_private.store_time_zone())
        as nightly_date
    from public.sync_schedule as s
    where s.enabled
  ),
  entities as materialized (
    select
      e.entity,
      sch.slot_start,
      sch.nightly_date,
      coalesce(st.lease_expires_at > p_now, false) as lease_live,
      st.lease_expires_at <= p_now as lease_expired,
      st.import_status = 'running' as importing,
      st.last_status,
      st.last_run_at,
      -- The last sign of life: an import between invocations is idle, not abandoned.
      greatest(st.lease_expires_at, st.updated_at, st.last_run_at) as last_activity_at
    from public.sync_settings as e
    cross join schedule as sch
    left join public.sync_state as st on st.entity = e.entity
    where e.enabled
      -- A call is in flight until pg_net recorded its response or its timeout (plus a grace
      -- for a busy worker) has passed; no second call is sent for the entity meanwhile.
      and not exists (
        select 1
        from sync_private.scheduled_calls as c
        where c.entity = e.entity
          and c.outcome = 'pending'
          and c.requested_at > p_now - make_interval(secs => c.timeout_ms / 1000.0 + 60)
          and not exists (select 1 from net._http_response as r where r.id = c.request_id)
      )
  ),
  decided as (
    select
      x.entity,
      x.nightly_date,
      case
        when x.lease_live then null
        when x.importing then
          case when coalesce(x.last_activity_at < p_now - interval '2 minutes', true)
            -- At most one continuation per 5 minutes while import-history keeps failing.
            and not exists (
              select 1 from sync_private.scheduled_calls as c
              where c.entity = x.entity and c.reason = 'import'
                and c.requested_at > p_now - interval '5 minutes'
            ) then 'import' end
        when x.lease_expired and x.last_status = 'running' then 'stuck'
        when x.nightly_date is not null and not exists (
          select 1 from sync_private.scheduled_calls as c
          where c.entity = x.entity and c.nightly_date = x.nightly_date
        ) then 'nightly'
        when x.last_status = 'partial' then 'partial'
        when coalesce(x.last_run_at < x.slot_start, true) and not exists (
          select 1 from sync_private.scheduled_calls as c
          where c.entity = x.entity and c.requested_at >= x.slot_start
        ) then 'incremental'
      end as reason
    from entities as x
  )
  select
    d.entity,
    case d.reason when 'import' then 'import-history' else 'sync-entity' end,
    d.reason,
    case d.reason
      when 'import' then jsonb_build_object('entities', jsonb_build_array(d.entity))
      when 'nightly' then jsonb_build_object('entity', d.entity, 'trigger', 'overlap')
      else jsonb_build_object('entity', d.entity, 'trigger', 'schedule')
    end,
    case d.reason when 'nightly' then d.nightly_date end
  from decided as d
  where d.reason is not null
  order by d.entity;
end
$$;

revoke all on function sync_private.is_time_zone(text) from public, anon, authenticated;
revoke all on function sync_private.store_time_zone() from public, anon, authenticated;
revoke all on function sync_private.nightly_slot(date, integer, text)
  from public, anon, authenticated;
revoke all on function sync_private.nightly_due_date(timestamptz, integer, text)
  from public, anon, authenticated;
revoke all on function sync_private.incremental_slot_start(timestamptz, integer)
  from public, anon, authenticated;
revoke all on function sync_private.due_calls(timestamptz) from public, anon, authenticated;
