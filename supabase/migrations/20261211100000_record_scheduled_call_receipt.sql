-- Replay protection for signed scheduler calls (README § Security): the function that receives a
-- signed call marks its row here, once; a second request naming the same call id finds the mark
-- and is refused. The rows are pruned with the scheduler's other history (sync-prune), days after
-- any signature expired, so no separate ledger or pruning is needed.
alter table sync_private.scheduled_calls add column if not exists received_at timestamptz;

comment on column sync_private.scheduled_calls.received_at is
  'When a function accepted this call''s signed request; a request repeating the call id is refused.';
