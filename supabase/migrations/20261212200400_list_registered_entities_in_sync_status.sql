-- sync_status follows public.sync_entities instead of naming entities: every registered
-- entity has a row, `records` counts its table's live rows by public.sync_entity_records (which
-- replaces the `case` listing the six tables), and `label` and `sort_order` are appended for the
-- dashboard. The rest of the view, security_invoker and the grants are those of
-- 20261211300200_show_entity_state_in_sync_status.sql.
create or replace view public.sync_status
  with (security_invoker = true)
as
select
  e.entity,
  coalesce(cfg.enabled, true) as enabled,
  -- paused, off, or the freshness colour (public.sync_entity_health).
  state.status as health,
  coalesce(st.last_status = 'failed', false) as failing,
  coalesce(st.lease_expires_at > now(), false) as running,
  st.last_success_at,
  floor(extract(epoch from now() - st.last_success_at))::bigint as lag_seconds,
  coalesce(st.cursor, 0) as cursor,
  -- Live rows of the entity's table (public.sync_entity_records); null for a name that is
  -- not registered in public.sync_entities.
  public.sync_entity_records(e.entity) as records,
  st.last_status,
  st.last_error,
  st.last_run_id,
  st.last_run_at,
  st.import_id,
  st.import_status,
  coalesce(st.import_status = 'running', false) as import_running,
  st.import_started_at,
  st.import_completed_at,
  coalesce(st.import_records, 0) as import_records,
  coalesce(st.import_pages, 0) as import_pages,
  (
    select count(*) from public.sync_rejects as r
    where r.entity = e.entity and r.resolved_at is null
  ) as open_rejects,
  coalesce(cfg.yellow_after, interval '2 hours') as yellow_after,
  coalesce(cfg.red_after, interval '12 hours') as red_after,
  -- The scheduler's colour (public.sync_scheduler_health), the same on every row.
  sch.status as scheduler_status,
  sch.last_dispatch_at as scheduler_last_dispatch_at,
  -- The freshness colour alone (public.sync_health_colour), whatever the state, and why the
  -- state is what it is.
  public.sync_health_colour(
    st.last_success_at, st.last_status, cfg.yellow_after, cfg.red_after
  ) as colour,
  state.reason as health_reason,
  -- What the dashboard calls the entity and where it lists it (public.sync_entities); null for
  -- a name that is not registered.
  reg.label,
  reg.sort_order
from (
  select entity from public.sync_entities
  union
  select entity from public.sync_settings
  union
  select entity from public.sync_state
) as e
left join public.sync_entities as reg on reg.entity = e.entity
left join public.sync_settings as cfg on cfg.entity = e.entity
left join public.sync_state as st on st.entity = e.entity
left join public.sync_scheduler_health() as sch on true
left join lateral public.sync_entity_health(
  coalesce(cfg.enabled, true), sch.enabled, st.last_success_at, st.last_status,
  cfg.yellow_after, cfg.red_after
) as state on true;

revoke all on table public.sync_status from public, anon, authenticated, service_role;
grant select on table public.sync_status to authenticated, service_role;
