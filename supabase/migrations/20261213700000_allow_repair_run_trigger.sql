-- A repair (the repair function, README "Repair") lands re-fetched records in a run of its own,
-- recorded with trigger 'repair' so the history tells it from the sync's own passes.
alter table public.sync_log drop constraint if exists sync_log_trigger_check;
alter table public.sync_log add constraint sync_log_trigger_check
  check (trigger in ('schedule', 'manual', 'import', 'dashboard', 'overlap', 'webhook', 'repair'));
