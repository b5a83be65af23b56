-- Store-local days: public.sync_store_time_zone picks the zone (the setting, else the first live
-- outlet's by name that PostgreSQL knows, else UTC), sync_daily and sync_history count runs on
-- that zone's days across a daylight-saving change, each outlet's sales fall on its own local
-- day, and analytics_stock flags what needs reordering. Staff only (RLS on every relation:
-- 04_rls_every_relation_test.sql).
begin;
set local search_path = public, extensions;
select plan(14);

update public.sync_schedule set time_zone = null;
update public.lightspeed_outlets set deleted_at = now() where deleted_at is null;
select results_eq($$ select time_zone, source from public.sync_store_time_zone $$,
  $$ values ('UTC', 'default') $$, 'no setting and no live outlet: UTC');

insert into public.lightspeed_outlets (id, name, time_zone, version, raw) values
  ('40000000-0000-4000-8000-0000000000a0', 'AAA bad zone', 'Mars/Olympus_Mons', 1, '{}'),
  ('40000000-0000-4000-8000-0000000000a1', 'BBB Auckland', 'Pacific/Auckland', 1, '{}'),
  ('40000000-0000-4000-8000-0000000000a2', 'CCC London', 'Europe/London', 1, '{}');
select results_eq($$ select time_zone, source from public.sync_store_time_zone $$,
  $$ values ('Pacific/Auckland', 'outlet') $$,
  'the first live outlet by name whose zone PostgreSQL knows');
select is(sync_private.store_time_zone(), 'Pacific/Auckland',
  'the scheduler reads the same zone');
select is(
  (select time_zone from public.analytics_outlet_time_zones
   where outlet_id = '40000000-0000-4000-8000-0000000000a0'),
  'Pacific/Auckland', 'an outlet with an unknown zone counts its days in the store''s');
update public.sync_schedule set time_zone = 'America/New_York';
select results_eq($$ select time_zone, source from public.sync_store_time_zone $$,
  $$ values ('America/New_York', 'setting') $$, 'the setting wins');
select is(sync_private.store_time_zone(), 'America/New_York', 'for the scheduler too');

-- Auckland's clocks go back at 2025-04-05 14:00 UTC: its 6 April lasts 25 hours, from
-- 11:00 UTC on the 5th to 12:00 UTC on the 6th.
update public.sync_schedule set time_zone = 'Pacific/Auckland';
insert into public.sync_log (entity, trigger, status, started_at, finished_at, duration_ms) values
  ('pgtap_days', 'schedule', 'completed', '2025-04-05 10:59:59Z', '2025-04-05 11:00:01Z', 100),
  ('pgtap_days', 'schedule', 'completed', '2025-04-05 11:00:00Z', '2025-04-05 11:00:01Z', 100),
  ('pgtap_days', 'schedule', 'failed', '2025-04-06 11:30:00Z', '2025-04-06 11:30:01Z', 100),
  ('pgtap_days', 'schedule', 'completed', '2025-04-06 12:00:00Z', '2025-04-06 12:00:01Z', 100);
select results_eq(
  $$ select day::text, runs::int, failures::int, time_zone from public.sync_daily
     where entity = 'pgtap_days' order by day $$,
  $$ values ('2025-04-05', 1, 0, 'Pacific/Auckland'), ('2025-04-06', 2, 1, 'Pacific/Auckland'),
            ('2025-04-07', 1, 0, 'Pacific/Auckland') $$,
  'sync_daily counts runs on the store''s days, the 25-hour day whole');
select results_eq(
  $$ select day::text from public.sync_history where entity = 'pgtap_days' order by started_at $$,
  $$ values ('2025-04-05'), ('2025-04-06'), ('2025-04-06'), ('2025-04-07') $$,
  'sync_history dates each run on the same days');
update public.sync_schedule set time_zone = 'UTC';
select results_eq(
  $$ select day::text, runs::int from public.sync_daily where entity = 'pgtap_days'
     order by day $$,
  $$ values ('2025-04-05', 2), ('2025-04-06', 2) $$, 'set to UTC, UTC days');

-- Each outlet's sales on its own local day, whatever the store's zone (still UTC here).
insert into public.lightspeed_sales (id, outlet_id, status, total_price, total_tax, sale_date,
  version, raw) values
  ('40000000-0000-4000-8000-0000000000b1', '40000000-0000-4000-8000-0000000000a1', 'CLOSED',
   10, 1.5, '2025-04-06 11:30:00Z', 1, '{}'),
  ('40000000-0000-4000-8000-0000000000b2', '40000000-0000-4000-8000-0000000000a2', 'CLOSED',
   20, 4, '2025-04-06 23:30:00Z', 1, '{}'),
  ('40000000-0000-4000-8000-0000000000b3', '40000000-0000-4000-8000-0000000000a2', 'VOIDED',
   30, 6, '2025-04-06 12:00:00Z', 1, '{}');
select results_eq(
  $$ select outlet_name, day::text, sales::int, revenue_inc_tax from public.analytics_sales_daily
     where outlet_id in ('40000000-0000-4000-8000-0000000000a1',
       '40000000-0000-4000-8000-0000000000a2') order by outlet_name $$,
  $$ values ('BBB Auckland', '2025-04-06', 1, 11.5), ('CCC London', '2025-04-07', 1, 24.0) $$,
  'sales on the outlet''s local day (London is on BST then), the VOIDED one left out');

-- Reorder flags: at or below a positive reorder point; none or 0 means not watched.
insert into public.lightspeed_inventory (id, product_id, outlet_id, inventory_level,
  reorder_point, version, raw) values
  ('40000000-0000-4000-8000-0000000000c1', '40000000-0000-4000-8000-0000000000d1',
   '40000000-0000-4000-8000-0000000000a1', 5, 5, 1, '{}'),
  ('40000000-0000-4000-8000-0000000000c2', '40000000-0000-4000-8000-0000000000d2',
   '40000000-0000-4000-8000-0000000000a1', 6, 5, 1, '{}'),
  ('40000000-0000-4000-8000-0000000000c3', '40000000-0000-4000-8000-0000000000d3',
   '40000000-0000-4000-8000-0000000000a1', -2, 0, 1, '{}'),
  ('40000000-0000-4000-8000-0000000000c4', '40000000-0000-4000-8000-0000000000d4',
   '40000000-0000-4000-8000-0000000000a1', -2, null, 1, '{}');
select results_eq(
  $$ select inventory_level::int, needs_reorder from public.analytics_stock
     where product_id::text like '40000000-%' order by product_id $$,
  $$ values (5, true), (6, false), (-2, false), (-2, false) $$,
  'needs_reorder: at or below a positive reorder point');

-- Staff see the zone; a signed-in user who is not staff sees nothing; anon may not ask.
insert into auth.users (id, email) values
  ('40000000-0000-4000-8000-000000000001', 'pgtap-days-staff@example.invalid'),
  ('40000000-0000-4000-8000-000000000002', 'pgtap-days-visitor@example.invalid');
insert into public.staff_members (user_id, email)
  values ('40000000-0000-4000-8000-000000000001', 'pgtap-days-staff@example.invalid');
set local role authenticated;
select set_config('request.jwt.claims',
  '{"sub": "40000000-0000-4000-8000-000000000001", "role": "authenticated", "aal": "aal2"}', true);
select is((select time_zone from public.sync_store_time_zone), 'UTC', 'staff read the zone');
select set_config('request.jwt.claims',
  '{"sub": "40000000-0000-4000-8000-000000000002", "role": "authenticated", "aal": "aal2"}', true);
select is((select count(*)::int from public.sync_store_time_zone), 0, 'a visitor reads no row');
reset role;
set local role anon;
select throws_ok('select * from public.sync_store_time_zone', '42501', null,
  'anon may not read the zone');
reset role;

select * from finish();
