-- Dashboard views: security invoker, staff-only through the base tables' RLS, and the health
-- colour rule (green / yellow / red / failing) the health function shares.
begin;
set local search_path = public, extensions;
select plan(29);

select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relname in ('sync_status', 'sync_history', 'sync_daily')
     and c.relkind = 'v' and c.reloptions @> array['security_invoker=true']),
  3, 'sync_status, sync_history and sync_daily are security_invoker views');
select ok(not has_table_privilege('anon', 'public.sync_status', 'select'),
  'anon has no grant on sync_status');
select ok(not has_table_privilege('anon', 'public.sync_history', 'select'),
  'anon has no grant on sync_history');
select ok(not has_table_privilege('anon', 'public.sync_daily', 'select'),
  'anon has no grant on sync_daily');
select ok(not has_table_privilege('authenticated', 'public.sync_status', 'insert, update, delete'),
  'authenticated cannot write through sync_status');
select ok(not has_function_privilege('anon',
  'public.sync_health_colour(timestamptz, text, interval, interval, timestamptz)', 'execute'),
  'anon cannot execute sync_health_colour');

-- The colour rule on its own.
select is(sync_health_colour(now() - interval '1 hour', 'completed', '2 hours', '12 hours'),
  'green', 'fresh success is green');
select is(sync_health_colour(now() - interval '3 hours', 'completed', '2 hours', '12 hours'),
  'yellow', 'older than yellow_after is yellow');
select is(sync_health_colour(now() - interval '13 hours', 'completed', '2 hours', '12 hours'),
  'red', 'older than red_after is red');
select is(sync_health_colour(now() - interval '1 minute', 'failed', '2 hours', '12 hours'),
  'red', 'a failed latest run is red however fresh the last success');
select is(sync_health_colour(null, 'completed', '2 hours', '12 hours'), 'red',
  'never succeeded is red');
select is(sync_health_colour(now() - interval '2 hours', 'partial', '2 hours', '12 hours'),
  'yellow', 'exactly yellow_after is yellow');

insert into auth.users (id, email) values
  ('10000000-0000-4000-8000-000000000001', 'pgtap-staff@example.com'),
  ('10000000-0000-4000-8000-000000000002', 'pgtap-visitor@example.com');
insert into public.staff_members (user_id, email)
  values ('10000000-0000-4000-8000-000000000001', 'pgtap-staff@example.com');

-- The colours show while the schedule is on (switched off: 26_entity_health_state_test.sql).
-- Days in UTC here whatever outlets other suites left (store-local days: 40_store_days_test.sql).
update public.sync_schedule set enabled = true, time_zone = 'UTC';
insert into public.sync_settings (entity, yellow_after, red_after) values
  ('pgtap_green', '2 hours', '12 hours'), ('pgtap_yellow', '2 hours', '12 hours'),
  ('pgtap_red', '2 hours', '12 hours'), ('pgtap_failing', '2 hours', '12 hours');
insert into public.sync_state (entity, cursor, last_status, last_success_at, last_error,
  import_status, import_records, import_pages) values
  ('pgtap_green', 42, 'completed', now() - interval '5 minutes', null, 'running', 1500, 3),
  ('pgtap_yellow', 7, 'completed', now() - interval '3 hours', null, null, 0, 0),
  ('pgtap_red', 9, 'completed', now() - interval '2 days', null, null, 0, 0),
  ('pgtap_failing', 11, 'failed', now() - interval '10 minutes', 'HTTP 500 from Lightspeed', null,
   0, 0),
  ('pgtap_orphan', 1, 'completed', now(), null, null, 0, 0);
insert into public.sync_rejects (entity, record_id, reason, raw) values
  ('pgtap_green', 'r1', 'missing id', '{"a": 1}'),
  ('pgtap_green', 'r2', 'bad type', '{"a": 2}');
update public.sync_rejects set resolved_at = now() where entity = 'pgtap_green' and record_id = 'r2';
insert into public.sync_log (entity, trigger, status, started_at, finished_at, duration_ms,
  records_received, records_inserted, records_updated, error) values
  ('pgtap_green', 'schedule', 'completed', '2026-01-02 10:00Z', '2026-01-02 10:00:03Z', 3000,
   10, 4, 5, null),
  ('pgtap_green', 'schedule', 'failed', '2026-01-02 11:00Z', '2026-01-02 11:00:01Z', 1000,
   0, 0, 0, 'boom'),
  ('pgtap_green', 'manual', 'running', now() - interval '2 seconds', null, null, 0, 0, 0, null);
insert into public.lightspeed_outlets (id, version, raw, name, deleted_at) values
  ('10000000-0000-4000-8000-0000000000a1', 1, '{}', 'Live outlet', null),
  ('10000000-0000-4000-8000-0000000000a2', 2, '{}', 'Deleted outlet', now());

-- anon: permission denied on every dashboard view.
set local role anon;
select throws_ok('select * from public.sync_status', '42501', null, 'anon cannot read sync_status');
select throws_ok('select * from public.sync_history', '42501', null,
  'anon cannot read sync_history');
select throws_ok('select * from public.sync_daily', '42501', null, 'anon cannot read sync_daily');
reset role;

-- Signed in, not staff: the views answer, but with no rows.
set local role authenticated;
set local request.jwt.claims = '{"sub": "10000000-0000-4000-8000-000000000002", "role": "authenticated"}';
select is_empty('select * from public.sync_status', 'non-staff see no sync_status rows');
select is_empty('select * from public.sync_history', 'non-staff see no sync_history rows');
select is_empty('select * from public.sync_daily', 'non-staff see no sync_daily rows');
reset role;

-- Staff.
set local role authenticated;
set local request.jwt.claims = '{"sub": "10000000-0000-4000-8000-000000000001", "role": "authenticated"}';
select results_eq(
  $$ select entity, health, failing from public.sync_status
     where entity in ('pgtap_green', 'pgtap_yellow', 'pgtap_red', 'pgtap_failing')
     order by entity $$,
  $$ values ('pgtap_failing', 'red', true), ('pgtap_green', 'green', false),
            ('pgtap_red', 'red', false), ('pgtap_yellow', 'yellow', false) $$,
  'staff see each entity with its colour');
select is((select open_rejects::int from public.sync_status where entity = 'pgtap_green'), 1,
  'open_rejects counts unresolved rejects only');
select is(
  (select array[import_running::text, import_records::text, cursor::text]
   from public.sync_status where entity = 'pgtap_green'),
  array['true', '1500', '42'], 'import progress and cursor are reported');
select ok((select lag_seconds between 290 and 400 from public.sync_status
  where entity = 'pgtap_green'), 'lag_seconds is the age of the last success');
select is((select health from public.sync_status where entity = 'pgtap_orphan'), 'green',
  'an entity with state but no settings uses the default thresholds');
select is((select records::int from public.sync_status where entity = 'outlets'),
  (select count(*)::int from public.lightspeed_outlets where deleted_at is null),
  'records counts live rows of the entity table');
select is((select records from public.sync_status where entity = 'pgtap_green'), null,
  'an entity without a table has no record count');
select results_eq(
  $$ select status, duration_ms::int, records_changed, failed, day::text from public.sync_history
     where entity = 'pgtap_green' and status <> 'running' order by started_at $$,
  $$ values ('completed', 3000, 9, false, '2026-01-02'), ('failed', 1000, 0, true, '2026-01-02') $$,
  'sync_history adds records_changed, failed and the store day');
select ok((select duration_ms >= 1000 from public.sync_history
  where entity = 'pgtap_green' and status = 'running'),
  'a running run reports its duration so far');
select results_eq(
  $$ select runs::int, failures::int, records_changed::int, avg_duration_ms::int
     from public.sync_daily where entity = 'pgtap_green' and day = '2026-01-02' $$,
  $$ values (2, 1, 9, 2000) $$,
  'sync_daily aggregates runs per entity and day');
select throws_ok($$ update public.sync_status set enabled = false where entity = 'pgtap_green' $$,
  '55000', null, 'nobody writes through the view (not updatable)');
reset role;

select * from finish();
rollback;
