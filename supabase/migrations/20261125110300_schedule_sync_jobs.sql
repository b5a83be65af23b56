-- The three pg_cron jobs. Their commands only call functions: the schedule lives in
-- public.sync_schedule / public.sync_settings and the URL and secret in Vault, so nothing here
-- changes per project and no secret is ever part of a job's text. cron.schedule replaces a job
-- with the same name, so this is safe to run again. Cron time is GMT; the store-local nightly
-- hour is computed in SQL.
select cron.schedule('sync-dispatch', '* * * * *', 'select sync_private.dispatch_due_syncs()');
select cron.schedule(
  'sync-reconcile', '* * * * *', 'select sync_private.reconcile_scheduled_calls()'
);
select cron.schedule('sync-prune', '17 3 * * *', 'select sync_private.prune_history()');
