-- Per entity, what the webhooks have said (the dashboard and health): the last event, events in
-- the last 24 h, and deliveries (retries and duplicates included). security_invoker: staff read
-- it through webhook_events' own policy, nobody else sees a row.
create or replace view public.sync_webhook_status
  with (security_invoker = true)
as
select
  e.entity,
  max(e.last_received_at) as last_event_at,
  count(*) filter (where e.last_received_at > now() - interval '24 hours') as events_24h,
  coalesce(sum(e.delivery_count) filter (
    where e.last_received_at > now() - interval '24 hours'
  ), 0)::bigint as deliveries_24h
from public.webhook_events as e
group by e.entity;

revoke all on table public.sync_webhook_status from anon, authenticated;
grant select on table public.sync_webhook_status to authenticated, service_role;
