-- Rate-limit telemetry per run (README § Alerts and rate budget): what the run's budget allowed
-- per window, and what Lightspeed said of its own budget in the last reply that carried
-- X-RateLimit-Limit / X-RateLimit-Remaining. Lightspeed does not document those headers, so
-- both stay null when a reply had none; `requests` already counts the run's own use.
alter table public.sync_log
  add column if not exists budget_allowed integer check (budget_allowed > 0),
  add column if not exists rate_limit_limit integer check (rate_limit_limit >= 0),
  add column if not exists rate_limit_remaining integer check (rate_limit_remaining >= 0);
