-- Dashboard chart of budget use over the last 24 hours, per Lightspeed window (5 minutes): the
-- requests of the runs that started in each window, the 429s, the allowance the runs paced
-- themselves to, and the lowest remaining budget Lightspeed reported (null without headers).
-- A run's requests count in the window it started in: a run that spans windows is drawn early.
-- security_invoker: sync_log's staff-only RLS decides what the caller sees.
create or replace view public.sync_rate_budget
  with (security_invoker = true)
as
select
  date_bin(interval '5 minutes', l.started_at, timestamptz '2000-01-01 00:00+00') as window_start,
  count(*)::integer as runs,
  sum(l.requests)::integer as requests,
  sum(l.rate_limited)::integer as rate_limited,
  max(l.budget_allowed) as budget_allowed,
  max(l.rate_limit_limit) as lightspeed_limit,
  min(l.rate_limit_remaining) as lightspeed_remaining
from public.sync_log as l
where l.started_at > now() - interval '24 hours' and l.status <> 'skipped'
group by 1;

revoke all on table public.sync_rate_budget from public, anon, authenticated, service_role;
grant select on table public.sync_rate_budget to authenticated, service_role;
