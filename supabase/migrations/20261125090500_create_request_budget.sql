-- Shared Lightspeed request budget: every process syncing a store claims each request here,
-- so concurrent invocations together stay under Lightspeed's 300 x registers + 50 requests
-- per 5 minutes, and a 429 seen by one worker pauses them all.
-- Private schema: not exposed through the Data API; only the database owner (the functions'
-- SUPABASE_DB_URL role) uses it.
create schema if not exists sync_private;

revoke all on schema sync_private from public;

-- One row per store: a store-wide pause after a 429.
create table if not exists sync_private.request_budget (
  store_key text primary key,
  paused_until timestamptz,
  updated_at timestamptz not null default now()
);

-- Send times of the requests in the current window; pruned on every claim.
create table if not exists sync_private.request_log (
  id bigint generated always as identity primary key,
  store_key text not null,
  sent_at timestamptz not null
);

create index if not exists request_log_store_key_sent_at_idx
  on sync_private.request_log (store_key, sent_at);

-- RLS without policies: the owner bypasses it, every other role sees nothing.
alter table sync_private.request_budget enable row level security;
alter table sync_private.request_log enable row level security;

revoke all on table sync_private.request_budget from public;
revoke all on table sync_private.request_log from public;

-- Claims one request slot for a store. Returns 0 when claimed, else the ms to wait before
-- asking again (a pause after a 429, or the time until the oldest request leaves the window).
-- Uses the database clock so every process agrees on time; the transaction-scoped advisory
-- lock serialises claims of one store without blocking other stores.
create or replace function sync_private.claim_request_slot(
  p_store_key text,
  p_limit integer,
  p_window_ms integer
)
  returns integer
  language plpgsql
  volatile
  security invoker
  set search_path = ''
as $$
declare
  v_now timestamptz;
  v_window interval;
  v_paused_until timestamptz;
  v_in_window integer;
  v_oldest timestamptz;
begin
  if p_store_key is null or p_limit is null or p_limit < 1
    or p_window_ms is null or p_window_ms < 1 then
    raise exception 'claim_request_slot needs a store key, a limit >= 1 and a window >= 1 ms'
      using errcode = '22023';
  end if;

  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('sync_private.request_budget:' || p_store_key, 0)
  );
  -- Read the clock only once the lock is held: earlier claims are then strictly older.
  v_now := pg_catalog.clock_timestamp();
  v_window := pg_catalog.make_interval(secs => p_window_ms / 1000.0);

  select b.paused_until into v_paused_until
  from sync_private.request_budget as b
  where b.store_key = p_store_key;

  if v_paused_until > v_now then
    return greatest(1, ceil(extract(epoch from v_paused_until - v_now) * 1000))::integer;
  end if;

  delete from sync_private.request_log as l
  where l.store_key = p_store_key and l.sent_at <= v_now - v_window;

  select count(*)::integer, min(l.sent_at) into v_in_window, v_oldest
  from sync_private.request_log as l
  where l.store_key = p_store_key;

  if v_in_window >= p_limit then
    return greatest(1, ceil(extract(epoch from v_oldest + v_window - v_now) * 1000))::integer;
  end if;

  insert into sync_private.request_log (store_key, sent_at) values (p_store_key, v_now);
  return 0;
end;
$$;

-- Pauses every claim for a store for p_pause_ms from now (database clock); never shortens a
-- pause already in force. Returns the pause end.
create or replace function sync_private.pause_request_budget(
  p_store_key text,
  p_pause_ms integer
)
  returns timestamptz
  language plpgsql
  volatile
  security invoker
  set search_path = ''
as $$
declare
  v_until timestamptz;
begin
  if p_store_key is null or p_pause_ms is null or p_pause_ms < 0 then
    raise exception 'pause_request_budget needs a store key and a pause >= 0 ms'
      using errcode = '22023';
  end if;
  v_until := pg_catalog.clock_timestamp() + pg_catalog.make_interval(secs => p_pause_ms / 1000.0);

  insert into sync_private.request_budget as b (store_key, paused_until, updated_at)
  values (p_store_key, v_until, pg_catalog.clock_timestamp())
  on conflict (store_key) do update
    set paused_until = greatest(b.paused_until, excluded.paused_until),
        updated_at = excluded.updated_at
  returning b.paused_until into v_until;
  return v_until;
end;
$$;

revoke all on function sync_private.claim_request_slot(text, integer, integer) from public;
revoke all on function sync_private.pause_request_budget(text, integer) from public;

-- The Supabase API roles exist on the platform and in the local stack; guard anyway so the
-- migration also applies to a plain PostgreSQL.
do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      execute pg_catalog.format('revoke all on schema sync_private from %I', v_role);
      execute pg_catalog.format(
        'revoke all on all tables in schema sync_private from %I', v_role);
      execute pg_catalog.format(
        'revoke all on all functions in schema sync_private from %I', v_role);
    end if;
  end loop;
end;
$$;
