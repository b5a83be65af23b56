-- Alert rules (README § Alerts): one row per condition the alert job watches. Staff switch a
-- rule on or off and set its threshold from the dashboard, as they do an entity's freshness
-- thresholds in sync_settings; the destinations (Vault) and the sending limits
-- (public.alert_settings) are the operator's. A threshold's unit is fixed by its rule.
create table if not exists public.alert_rules (
  rule text primary key,
  enabled boolean not null,
  threshold integer,
  threshold_unit text,
  sort_order integer not null unique,
  description text not null,
  updated_at timestamptz not null default now(),
  constraint alert_rules_known check (rule in (
    'entity_red', 'entity_yellow', 'consecutive_failures', 'new_rejects', 'scheduler_stopped',
    'rate_budget_exhausted'
  )),
  constraint alert_rules_threshold check (
    (threshold_unit is null and threshold is null)
    or (threshold_unit = 'runs' and threshold between 1 and 100)
    or (threshold_unit = 'rejects' and threshold between 1 and 100000)
    or (threshold_unit = 'minutes' and threshold between 1 and 1440)
  )
);

insert into public.alert_rules (rule, enabled, threshold, threshold_unit, sort_order, description)
values
  ('entity_red', true, null, null, 1, 'An entity turns red'),
  ('entity_yellow', false, null, null, 2, 'An entity turns yellow (or red)'),
  -- Off: entity_red already fires at the first failed run. Used instead of it, it tells only
  -- once this many runs in a row failed, letting a single failure pass.
  ('consecutive_failures', false, 3, 'runs', 3,
    'An entity''s runs fail this many times in a row'),
  ('new_rejects', true, 1, 'rejects', 4,
    'An entity has at least this many unresolved rejected records'),
  ('scheduler_stopped', true, null, null, 5,
    'The schedule is on but the dispatcher has not run for 5 minutes'),
  ('rate_budget_exhausted', true, 15, 'minutes', 6,
    'Lightspeed''s rate budget stays exhausted (429s or 0 remaining) this long')
on conflict (rule) do nothing;

alter table public.alert_rules enable row level security;

revoke all on table public.alert_rules from anon, authenticated;
grant select on table public.alert_rules to authenticated;
grant update (enabled, threshold) on table public.alert_rules to authenticated;

drop policy if exists "staff read" on public.alert_rules;
create policy "staff read" on public.alert_rules
  for select to authenticated using ((select public.is_staff()));
drop policy if exists "staff update" on public.alert_rules;
create policy "staff update" on public.alert_rules
  for update to authenticated
  using ((select public.is_staff()))
  with check ((select public.is_staff()));

drop trigger if exists touch_updated_at on public.alert_rules;
create trigger touch_updated_at
  before update on public.alert_rules
  for each row execute function sync_private.touch_updated_at();
