-- Switched-off syncing has its own state, never green: a paused entity is `paused`, every entity
-- is `off` while the schedule is off, and health's overall rule says so (off, paused) with a
-- reason. The freshness colour stays visible beside the state.
begin;
set local search_path = public, extensions;
select plan(14);

-- Rule, in isolation: a fresh success would be green.
select results_eq(
  $$ select status from public.sync_entity_health(false, true, now(), 'completed', null, null) $$,
  $$ values ('paused') $$, 'a paused entity is paused, not green');
select results_eq(
  $$ select status from public.sync_entity_health(true, false, now(), 'completed', null, null) $$,
  $$ values ('off') $$, 'with the schedule off an entity is off, not green');
select results_eq(
  $$ select status from public.sync_entity_health(true, true, now(), 'completed', null, null) $$,
  $$ values ('green') $$, 'syncing and fresh: green');
select results_eq(
  $$ select status from public.sync_entity_health(true, true, null, 'failed', null, null) $$,
  $$ values ('red') $$, 'syncing and failed: red');
select matches(
  (select reason from public.sync_entity_health(true, false, now(), 'completed', null, null)),
  'sync_schedule.enabled is false', 'the reason names the switch');

-- Overall.
select results_eq(
  $$ select status from public.sync_overall_health('off', array['off', 'off']) $$,
  $$ values ('off') $$, 'schedule off: overall off');
select results_eq(
  $$ select status from public.sync_overall_health('green', array['paused', 'paused']) $$,
  $$ values ('paused') $$, 'every entity paused: overall paused');
select results_eq(
  $$ select status, reason from public.sync_overall_health('green', array['paused', 'green']) $$,
  $$ values ('green', 'all 1 syncing entities green') $$,
  'one paused entity does not colour the others');
select results_eq(
  $$ select status from public.sync_overall_health('red', array['green']) $$,
  $$ values ('red') $$, 'a stopped scheduler is red');

-- The dashboard's view, as staff.
insert into auth.users (id, email)
  values ('26000000-0000-4000-8000-000000000001', 'pgtap-state-staff@example.com');
insert into public.staff_members (user_id, email)
  values ('26000000-0000-4000-8000-000000000001', 'pgtap-state-staff@example.com');
insert into public.sync_settings (entity, enabled)
  values ('pgtap_state_on', true), ('pgtap_state_paused', false);
insert into public.sync_state (entity, last_status, last_success_at) values
  ('pgtap_state_on', 'completed', now()), ('pgtap_state_paused', 'completed', now());

update public.sync_schedule set enabled = false;
set local role authenticated;
set local request.jwt.claims = '{"sub": "26000000-0000-4000-8000-000000000001"}';
select results_eq(
  $$ select entity, health, colour from public.sync_status
     where entity like 'pgtap_state_%' order by entity $$,
  $$ values ('pgtap_state_on', 'off', 'green'), ('pgtap_state_paused', 'paused', 'green') $$,
  'schedule off: the view shows off and paused, the fresh colour beside them');
select matches(
  (select health_reason from public.sync_status where entity = 'pgtap_state_on'),
  'schedule off', 'the view says why');
reset role;

update public.sync_schedule set enabled = true;
set local role authenticated;
set local request.jwt.claims = '{"sub": "26000000-0000-4000-8000-000000000001"}';
select results_eq(
  $$ select entity, health from public.sync_status
     where entity like 'pgtap_state_%' order by entity $$,
  $$ values ('pgtap_state_on', 'green'), ('pgtap_state_paused', 'paused') $$,
  'schedule on: the syncing entity is green, the paused one stays paused');
reset role;

select is(
  has_function_privilege('anon', 'public.sync_entity_health(boolean, boolean, timestamptz, '
    || 'text, interval, interval, timestamptz)', 'execute'), false, 'anon cannot call the rule');
select is(
  has_function_privilege('authenticated', 'public.sync_overall_health(text, text[])', 'execute'),
  false, 'the overall rule is for the health function only');

select * from finish();
rollback;
