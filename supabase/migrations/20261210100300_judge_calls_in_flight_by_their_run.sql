-- The dispatcher's "earlier call still in flight" rule judges by the run the call started, not
-- by pg_net's response alone: a scheduled call whose run (sync_log.call_id, 20261210100000) is
-- already recorded is no longer in flight, even while pg_net keeps its response back until the
-- slowest request of the batch is done. While that run holds the entity's lease nothing is sent
-- anyway; once it ends, the next due call (a partial run's continuation) goes out at once. The
-- decisions are otherwise those of 20261125120100_request_overlap_from_nightly_run.sql.
create schema if not exists sync_private;

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
      -- A call is in flight until the run it started is seen (sync-entity stores the call's
      -- id on it, and from then on the run's lease decides), pg_net recorded its response, or
      -- its timeout (plus a grace for a busy worker) has passed; no second call is sent for the
      -- entity meanwhile. pg_net records a batch's responses only when its slowest request is
      -- done, so the run is usually seen long before the response.
      and not exists (
        select 1
        from sync_private.scheduled_calls as c
        where c.entity = e.entity
          and c.outcome = 'pending'
          and c.requested_at > p_now - make_interval(secs => c.timeout_ms / 1000.0 + 60)
          and not exists (select 1 from net._http_response as r where r.id = c.request_id)
          and not exists (select 1 from public.sync_log as l where l.call_id = c.id)
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
      -- The nightly run asks for the overlap re-read explicitly, so it happens at the store's
      -- 02:00 every day instead of drifting with the time of the previous re-read.
      when 'nightly' then
        jsonb_build_object('entity', d.entity, 'trigger', 'schedule', 'overlap', true)
      else jsonb_build_object('entity', d.entity, 'trigger', 'schedule')
    end,
    case d.reason when 'nightly' then d.nightly_date end
  from decided as d
  where d.reason is not null
  order by d.entity;
end
$$;

revoke all on function sync_private.due_calls(timestamptz) from public, anon, authenticated;
