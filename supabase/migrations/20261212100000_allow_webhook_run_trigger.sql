-- A pass started by a Lightspeed webhook (the lightspeed-webhook function) is recorded with
-- trigger 'webhook', so the history tells event-driven passes from scheduled ones.
alter table public.sync_log drop constraint if exists sync_log_trigger_check;
alter table public.sync_log add constraint sync_log_trigger_check
  check (trigger in ('schedule', 'manual', 'import', 'dashboard', 'overlap', 'webhook'));
