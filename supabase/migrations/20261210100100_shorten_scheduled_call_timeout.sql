-- Scheduled calls no longer wait for the run: sync-entity answers 202 as soon as its run is open
-- (20261210100200 asks it to) and import-history always answered at once. pg_net sends a batch
-- of requests together and records none of their responses until the slowest has finished or
-- timed out, so a long timeout here held up every other pg_net request of the project. The
-- default becomes 5 s; a project still on the old default (150000) moves with it, one that chose
-- its own value keeps it. The accepted range (1000-900000) is unchanged.
alter table public.sync_schedule alter column call_timeout_ms set default 5000;

update public.sync_schedule set call_timeout_ms = 5000 where call_timeout_ms = 150000;
