-- The nightly prune deletes webhook events and refusal counters older than the retention
-- (sync_log_retention_days), and keeps the recent ones.
begin;
set local search_path = public, extensions;
select plan(5);

update public.sync_schedule set sync_log_retention_days = 30;
delete from public.webhook_events;
delete from public.webhook_rejections;
insert into public.webhook_events (type, entity, record_id, version, first_received_at,
  last_received_at)
values
  ('sale.update', 'sales', 'old-sale', 1, '2026-04-01 00:00+00', '2026-04-01 00:00+00'),
  -- First received long ago, but delivered again recently: still in use.
  ('sale.update', 'sales', 'retried-sale', 2, '2026-04-01 00:00+00', '2026-06-05 00:00+00'),
  ('inventory.update', 'inventory', 'new-row', null, '2026-06-09 00:00+00',
    '2026-06-09 00:00+00');
insert into public.webhook_rejections (reason, count, last_at)
values ('bad_token', 40, '2026-04-01 00:00+00'), ('bad_body', 2, '2026-06-09 00:00+00');

select is(
  sync_private.prune_history('2026-06-10 12:00+00') -> 'webhook_events', '1'::jsonb,
  'the prune counts the old event it removed');
select is(
  (select array_agg(record_id order by record_id) from public.webhook_events),
  array['new-row', 'retried-sale'],
  'events last received within the retention stay, older ones go');
select is(
  (select array_agg(reason order by reason) from public.webhook_rejections),
  array['bad_body'],
  'a refusal counter last touched before the retention goes, a recent one stays');

-- Four days later with a week's retention: the cut-off passes the retried event, not the new one.
update public.sync_schedule set sync_log_retention_days = 7;
select is(
  sync_private.prune_history('2026-06-14 12:00+00') -> 'webhook_events', '1'::jsonb,
  'the retention setting decides: a week takes the event last delivered nine days before');
select is(
  (select array_agg(record_id) from public.webhook_events), array['new-row'],
  'the event of five days before stays');

select * from finish();
rollback;
