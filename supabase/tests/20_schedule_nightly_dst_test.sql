-- The nightly run happens exactly once per store-local day at the local hour, across both
-- daylight-saving transitions of Pacific/Auckland and America/New_York: never skipped, never
-- doubled. First the pure decision with minute ticks, then the dispatcher itself.
begin;
set local search_path = public, extensions;
select plan(16);

-- The instant of the first minute tick at which each local date's nightly run is due.
create temporary table nightly_runs on commit drop as
select zone, hour, from_at, due_date, min(tick) as ran_at
from (
  values
    ('America/New_York', 2, timestamptz '2026-03-07 00:00+00', timestamptz '2026-03-10 12:00+00'),
    ('America/New_York', 2, timestamptz '2026-10-31 00:00+00', timestamptz '2026-11-03 12:00+00'),
    ('America/New_York', 1, timestamptz '2026-10-31 00:00+00', timestamptz '2026-11-03 12:00+00'),
    ('Pacific/Auckland', 2, timestamptz '2026-04-03 00:00+00', timestamptz '2026-04-06 00:00+00'),
    ('Pacific/Auckland', 2, timestamptz '2026-09-25 00:00+00', timestamptz '2026-09-28 00:00+00')
) as windows (zone, hour, from_at, to_at)
cross join lateral generate_series(from_at, to_at, interval '1 minute') as tick
cross join lateral sync_private.nightly_due_date(tick, hour, zone) as due_date
where due_date is not null
group by zone, hour, from_at, due_date;

select results_eq(
  $$ select ran_at from nightly_runs
     where zone = 'America/New_York' and hour = 2 and due_date between '2026-03-07' and '2026-03-09'
     order by ran_at $$,
  $$ values (timestamptz '2026-03-07 07:00+00'), ('2026-03-08 07:00+00'), ('2026-03-09 06:00+00') $$,
  'New York spring forward: one run per local day; the missing 02:00 runs at 03:00 EDT');

select results_eq(
  $$ select ran_at from nightly_runs
     where zone = 'America/New_York' and hour = 2 and due_date between '2026-10-31' and '2026-11-02'
     order by ran_at $$,
  $$ values (timestamptz '2026-10-31 06:00+00'), ('2026-11-01 07:00+00'), ('2026-11-02 07:00+00') $$,
  'New York fall back: one run per local day at 02:00 local');

select results_eq(
  $$ select ran_at from nightly_runs
     where zone = 'America/New_York' and hour = 1 and due_date = '2026-11-01' $$,
  $$ values (timestamptz '2026-11-01 06:00+00') $$,
  'New York fall back with a 01:00 run: the repeated hour runs once, not twice');

select results_eq(
  $$ select ran_at from nightly_runs
     where zone = 'Pacific/Auckland' and due_date between '2026-04-04' and '2026-04-06'
     order by ran_at $$,
  $$ values (timestamptz '2026-04-03 13:00+00'), ('2026-04-04 14:00+00'), ('2026-04-05 14:00+00') $$,
  'Auckland fall back: the repeated 02:00 runs once');

select results_eq(
  $$ select ran_at from nightly_runs
     where zone = 'Pacific/Auckland' and due_date between '2026-09-26' and '2026-09-28'
     order by ran_at $$,
  $$ values (timestamptz '2026-09-25 14:00+00'), ('2026-09-26 14:00+00'), ('2026-09-27 13:00+00') $$,
  'Auckland spring forward: the missing 02:00 runs at 03:00 NZDT, once');

select is(
  (select count(*)::int from nightly_runs
   -- The first tick of a window only catches up the day before it.
   where ran_at > from_at
     and to_char(timezone(zone, ran_at), 'HH24:MI')
       not in (lpad(hour::text, 2, '0') || ':00', '03:00')),
  0, 'every nightly run starts on the hour, at the local hour or just after a skipped one');

select is(sync_private.nightly_due_date('2026-06-10 01:59+00', 2, 'UTC'), null,
  'nothing is due before the local hour');
select is(sync_private.nightly_due_date('2026-06-10 23:59+00', 2, 'UTC'), date '2026-06-10',
  'a missed nightly run is still due later the same local day');

-- Time zone: the setting, else the first outlet's, else UTC; bad names are refused.
update public.sync_schedule set time_zone = null;
update public.lightspeed_outlets set deleted_at = now() where deleted_at is null;
select is(sync_private.store_time_zone(), 'UTC', 'no setting and no outlet: UTC');
insert into public.lightspeed_outlets (id, name, time_zone, version, raw)
values ('00000000-0000-4000-8000-0000000000a1', 'AAA first outlet', 'Pacific/Auckland', 1, '{}'),
       ('00000000-0000-4000-8000-0000000000a2', 'ZZZ second outlet', 'Europe/Paris', 1, '{}');
select is(sync_private.store_time_zone(), 'Pacific/Auckland', 'defaults to the first outlet''s');
update public.sync_schedule set time_zone = 'America/New_York';
select is(sync_private.store_time_zone(), 'America/New_York', 'the setting wins');
select throws_ok($$ update public.sync_schedule set time_zone = 'Mars/Olympus_Mons' $$,
  '22023', null, 'an unknown time zone name is refused');

-- End to end: the dispatcher every 10 minutes over three local days around each transition.
update public.sync_settings set enabled = false;
insert into public.sync_settings (entity) values ('test_sched_dst');
update public.sync_schedule set enabled = true, nightly_hour = 2, incremental_every_minutes = 60;
delete from vault.secrets where name in ('project_url', 'sync_secret');
do $$
begin
  perform vault.create_secret('http://127.0.0.1:9', 'project_url');
  perform vault.create_secret('pgtap-dst-secret', 'sync_secret');
end
$$;

create temporary table dispatched_nightly (zone text, local_date date, requested_at timestamptz)
  on commit drop;
do $$
declare
  w record;
  t timestamptz;
begin
  for w in
    select * from (values
      ('America/New_York', timestamptz '2026-03-07 05:00+00', timestamptz '2026-03-10 04:59+00'),
      ('America/New_York', timestamptz '2026-10-31 04:00+00', timestamptz '2026-11-03 04:59+00'),
      ('Pacific/Auckland', timestamptz '2026-04-03 11:00+00', timestamptz '2026-04-06 11:59+00'),
      ('Pacific/Auckland', timestamptz '2026-09-25 12:00+00', timestamptz '2026-09-28 10:59+00')
    ) as v (zone, from_at, to_at)
  loop
    update public.sync_schedule set time_zone = w.zone;
    delete from sync_private.scheduled_calls where entity = 'test_sched_dst';
    for t in select generate_series(w.from_at, w.to_at, interval '10 minutes') loop
      perform sync_private.dispatch_due_syncs(t);
    end loop;
    insert into dispatched_nightly
    select w.zone, c.nightly_date, c.requested_at
    from sync_private.scheduled_calls as c
    where c.entity = 'test_sched_dst' and c.reason = 'nightly';
  end loop;
end
$$;

select results_eq(
  $$ select local_date, requested_at from dispatched_nightly
     where zone = 'America/New_York' order by requested_at $$,
  $$ values (date '2026-03-07', timestamptz '2026-03-07 07:00+00'),
            ('2026-03-08', '2026-03-08 07:00+00'), ('2026-03-09', '2026-03-09 06:00+00'),
            ('2026-10-31', '2026-10-31 06:00+00'), ('2026-11-01', '2026-11-01 07:00+00'),
            ('2026-11-02', '2026-11-02 07:00+00') $$,
  'dispatcher, New York: one nightly call per local day across both transitions');

select results_eq(
  $$ select local_date, requested_at from dispatched_nightly
     where zone = 'Pacific/Auckland' order by requested_at $$,
  $$ values (date '2026-04-04', timestamptz '2026-04-03 13:00+00'),
            ('2026-04-05', '2026-04-04 14:00+00'), ('2026-04-06', '2026-04-05 14:00+00'),
            ('2026-09-26', '2026-09-25 14:00+00'), ('2026-09-27', '2026-09-26 14:00+00'),
            ('2026-09-28', '2026-09-27 13:00+00') $$,
  'dispatcher, Auckland: one nightly call per local day across both transitions');

select is(
  (select count(*)::int from sync_private.scheduled_calls
   where entity = 'test_sched_dst' and reason = 'incremental'
     and requested_at >= '2026-09-25 12:00+00'),
  -- 71 hourly slots in the window, minus the 3 hours whose call was the nightly one.
  71 - 3, 'hourly incremental calls in every other hour, never two calls in one slot');

select is(
  (select count(*)::int from net.http_request_queue as q
   join sync_private.scheduled_calls as c on c.request_id = q.id
   where c.entity = 'test_sched_dst'
     and q.timeout_milliseconds = (select call_timeout_ms from public.sync_schedule)
     and q.headers ->> 'x-sync-call-id' = c.id::text and q.headers ? 'x-sync-signature'
     and not q.headers ? 'x-sync-secret'
     and q.url = 'http://127.0.0.1:9/functions/v1/sync-entity'),
  (select count(*)::int from sync_private.scheduled_calls where entity = 'test_sched_dst'),
  'every call went to sync-entity with the Vault URL, signed, and an explicit timeout');

select * from finish();
rollback;
