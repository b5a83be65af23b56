-- The identity sequences of sync_log and sync_rejects (and any other sequence in public) carried
-- usage, select and update for anon and authenticated, from older projects' default privileges
-- (reproduced locally by dev/db/supabase_bootstrap.sql). No API role inserts into these tables,
-- and UPDATE on a sequence lets a role call setval(), e.g. to rewind sync_log's ids onto
-- existing rows. The table migrations revoked their tables' grants but not the sequences'.
-- The project's default privileges are left as they are: they also govern the retailer's own
-- objects in public. supabase/tests/05_sequence_grants_test.sql fails on any new sequence that
-- arrives with such a grant.
revoke all on all sequences in schema public from anon, authenticated;
