-- Count each claimed Lightspeed request until one window after its reply, not after its claim.
--
-- Lightspeed (and the simulator) count a request when it arrives, which is some time after
-- the claim: the claim's reply, the client's event loop and the network all sit in between,
-- and on a loaded machine that is tens or hundreds of milliseconds. Counting a claim for one
-- window from the claim lets the slot go before Lightspeed's window has let go of the request,
-- so a quick request claimed then lands inside the window of a slow one claimed a window
-- earlier: a request over the limit. The reply (or the failure the client saw) always comes
-- after the arrival, so a slot held until one window after the client released it is never
-- free before Lightspeed's window is, whatever the latency. A claim never released (its process
-- was killed) is held until one window after the longest a request may be in flight.
alter table sync_private.request_log add column if not exists released_at timestamptz;

comment on column sync_private.request_log.sent_at is
  'When the slot was claimed (database clock); the request reaches Lightspeed after this.';
comment on column sync_private.request_log.released_at is
  'When the client had its reply or gave up; the request is counted until one window later.';

-- Claims one request slot for a store. Returns wait_ms 0 and the slot's id when claimed, else
-- the ms to wait before asking again and no id: a pause after a 429, or a lower bound on the
-- time until a slot leaves the window (a slot still in flight leaves at the earliest one
-- window from now). p_hold_ms is the longest a claimed request may be in flight.
-- Uses the database clock so every process agrees on time; the transaction-scoped advisory
-- lock serialises claims of one store without blocking other stores.
create or replace function sync_private.claim_request_slot(
  p_store_key text,
  p_limit integer,
  p_window_ms integer,
  p_hold_ms integer,
  out wait_ms integer,
  out slot_id bigint
)
  language plpgsql
  volatile
  security invoker
  set search_path = ''
as $$
declare
  v_now timestamptz;
  v_window interval;
  v_hold interval;
  v_paused_until timestamptz;
  v_in_window integer;
  v_first_free timestamptz;
begin
  if p_store_key is null or p_limit is null or p_limit < 1
    or p_window_ms is null or p_window_ms < 1 or p_hold_ms is null or p_hold_ms < 0 then
    raise exception
      'claim_request_slot needs a store key, a limit >= 1, a window >= 1 ms and a hold >= 0 ms'
      using errcode = '22023';
  end if;

  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('sync_private.request_budget:' || p_store_key, 0)
  );
  -- Read the clock only once the lock is held: earlier claims are then strictly older.
  v_now := pg_catalog.clock_timestamp();
  v_window := pg_catalog.make_interval(secs => p_window_ms / 1000.0);
  v_hold := pg_catalog.make_interval(secs => p_hold_ms / 1000.0);

  select b.paused_until into v_paused_until
  from sync_private.request_budget as b
  where b.store_key = p_store_key;

  if v_paused_until > v_now then
    wait_ms := greatest(1, ceil(extract(epoch from v_paused_until - v_now) * 1000))::integer;
    return;
  end if;

  -- A slot leaves the window one window after its release, or after its hold if never
  -- released.
  delete from sync_private.request_log as l
  where l.store_key = p_store_key
    and coalesce(l.released_at, l.sent_at + v_hold) <= v_now - v_window;

  select count(*)::integer,
         min(least(coalesce(l.released_at, l.sent_at + v_hold), v_now))
    into v_in_window, v_first_free
  from sync_private.request_log as l
  where l.store_key = p_store_key;

  if v_in_window >= p_limit then
    wait_ms := greatest(1, ceil(extract(epoch from v_first_free + v_window - v_now) * 1000))
      ::integer;
    return;
  end if;

  insert into sync_private.request_log as l (store_key, sent_at)
  values (p_store_key, v_now)
  returning l.id into slot_id;
  wait_ms := 0;
end;
$$;

-- Marks claimed slots as done (replied, failed or never sent), by the database clock; a slot
-- already released keeps its first release. Returns how many were released.
create or replace function sync_private.release_request_slots(
  p_store_key text,
  p_slot_ids bigint[]
)
  returns integer
  language plpgsql
  volatile
  security invoker
  set search_path = ''
as $$
declare
  v_released integer;
begin
  if p_store_key is null or p_slot_ids is null then
    raise exception 'release_request_slots needs a store key and slot ids'
      using errcode = '22023';
  end if;
  update sync_private.request_log as l
  set released_at = pg_catalog.clock_timestamp()
  where l.store_key = p_store_key and l.id = any (p_slot_ids) and l.released_at is null;
  get diagnostics v_released = row_count;
  return v_released;
end;
$$;

-- The first version, for functions deployed before this migration while the new ones roll
-- out: they never release their slots, so each is held for the client's longest attempt
-- (30 s) and then some. Nothing in this repository calls it any more.
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
begin
  return (
    select c.wait_ms
    from sync_private.claim_request_slot(p_store_key, p_limit, p_window_ms, 60000) as c
  );
end;
$$;

revoke all on function sync_private.claim_request_slot(text, integer, integer) from public;
revoke all on function sync_private.claim_request_slot(text, integer, integer, integer)
  from public;
revoke all on function sync_private.release_request_slots(text, bigint[]) from public;

-- The Supabase API roles exist on the platform and in the local stack; guard anyway so the
-- migration also applies to a plain PostgreSQL.
do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      execute pg_catalog.format(
        'revoke all on function sync_private.claim_request_slot(text, integer, integer, integer) '
          || 'from %I', v_role);
      execute pg_catalog.format(
        'revoke all on function sync_private.release_request_slots(text, bigint[]) from %I',
        v_role);
    end if;
  end loop;
end;
$$;
