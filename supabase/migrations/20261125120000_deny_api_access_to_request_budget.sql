-- The request budget's tables are used only by the database owner (the functions' connection).
-- An explicit deny for the API roles documents that and answers the advisors' "RLS enabled,
-- no policy" notice, the same way sync_private.scheduled_calls does.
drop policy if exists "no access through the api" on sync_private.request_budget;
create policy "no access through the api" on sync_private.request_budget
  for all to anon, authenticated using (false) with check (false);

drop policy if exists "no access through the api" on sync_private.request_log;
create policy "no access through the api" on sync_private.request_log
  for all to anon, authenticated using (false) with check (false);
