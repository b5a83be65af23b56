-- How alerts are sent (README § Alerts), one row. The operator's (SQL as the database owner),
-- like retention and timeouts: the dashboard link put in messages, how many messages an hour
-- at most (the rest are recorded as suppressed), how often a failed delivery is tried, and
-- pg_net's timeout for it (short: pg_net records a batch's responses when its slowest request
-- is done, so a slow destination must not hold back the scheduler's calls). Staff may write
-- test_requested_at only: that is the dashboard's "send test alert" button.
-- The destinations' URLs are Vault secrets (alert_slack_webhook_url, alert_webhook_url).
create table if not exists public.alert_settings (
  id boolean primary key default true check (id),
  dashboard_url text check (dashboard_url ~ '^https?://[^\s]+$' and length(dashboard_url) <= 500),
  max_messages_per_hour integer not null default 30 check (max_messages_per_hour between 1 and 600),
  max_attempts integer not null default 5 check (max_attempts between 1 and 10),
  request_timeout_ms integer not null default 2000 check (request_timeout_ms between 100 and 5000),
  test_requested_at timestamptz,
  updated_at timestamptz not null default now()
);

insert into public.alert_settings (id) values (true) on conflict (id) do nothing;

alter table public.alert_settings enable row level security;

revoke all on table public.alert_settings from anon, authenticated;
grant select on table public.alert_settings to authenticated;
grant update (test_requested_at) on table public.alert_settings to authenticated;

drop policy if exists "staff read" on public.alert_settings;
create policy "staff read" on public.alert_settings
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff update" on public.alert_settings;
create policy "staff update" on public.alert_settings
  for update to authenticated
  using ((select public.is_staff()))
  with check ((select public.is_staff()));

drop trigger if exists touch_updated_at on public.alert_settings;
create trigger touch_updated_at
  before update on public.alert_settings
  for each row execute function sync_private.touch_updated_at();
