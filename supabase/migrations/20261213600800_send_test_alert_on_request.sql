-- The dashboard's "send test alert" button: staff write public.alert_settings.test_requested_at
-- (the one column granted to them), and this trigger sends a test message to every configured
-- destination at once, recorded in alert_log with who asked. It counts against
-- max_messages_per_hour like any message. Security definer: the caller may neither read Vault
-- nor call pg_net; the function does only this, in the private schema the Data API does not
-- serve.
create or replace function sync_private.send_requested_test_alert()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform sync_private.queue_alert('test', null, 'test', now(),
    sync_private.alert_message('test', null, 'test', now(), null, now()), now(),
    (select auth.uid()));
  return new;
end
$$;

revoke all on function sync_private.send_requested_test_alert() from public, anon, authenticated;

drop trigger if exists send_requested_test_alert on public.alert_settings;
create trigger send_requested_test_alert
  after update of test_requested_at on public.alert_settings
  for each row
  when (new.test_requested_at is not null
    and new.test_requested_at is distinct from old.test_requested_at)
  execute function sync_private.send_requested_test_alert();
