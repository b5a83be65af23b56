-- The store's OAuth connection (README § OAuth): what is known about the tokens, never the
-- tokens. The access and refresh tokens live in Vault (names lightspeed_oauth_access_token and
-- lightspeed_oauth_refresh_token), written and read only through the SECURITY DEFINER functions
-- below, which the API roles may not execute.
--
-- Single-flight refresh: `generation` counts stored token pairs. A refresher claims the refresh
-- of the generation it saw (compare-and-swap) and holds a lease; everyone else waits for the
-- generation to move. The claim (refresh_owner, refresh_started_at) stays behind when a
-- refresher dies between Lightspeed issuing a token and our storing it: the next claimer knows
-- the refresh token may be spent, and if Lightspeed refuses it the connection is marked
-- 'reconnect_needed' instead of trying again and again.
create schema if not exists sync_private;

create table if not exists sync_private.lightspeed_oauth (
  singleton boolean primary key default true check (singleton),
  domain_prefix text not null,
  scopes text not null default '',
  generation bigint not null default 0,
  status text not null default 'connected' check (status in ('connected', 'reconnect_needed')),
  -- Why a reconnect is needed, in our own words (never a reply body).
  problem text,
  access_expires_at timestamptz not null,
  -- How long the last access token was issued for: the refresh starts well ahead of expiry.
  access_lifetime interval not null,
  connected_at timestamptz not null default now(),
  refreshed_at timestamptz,
  refresh_owner uuid,
  refresh_started_at timestamptz,
  refresh_lease_until timestamptz
);

alter table sync_private.lightspeed_oauth enable row level security;
revoke all on table sync_private.lightspeed_oauth from public;

do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      execute pg_catalog.format('revoke all on table sync_private.lightspeed_oauth from %I', v_role);
    end if;
  end loop;
end;
$$;

drop policy if exists "no access through the api" on sync_private.lightspeed_oauth;
create policy "no access through the api" on sync_private.lightspeed_oauth
  for all to anon, authenticated using (false) with check (false);

-- Writes one named Vault secret: update when it exists (names are unique), create otherwise.
create or replace function sync_private.oauth_put_secret(p_name text, p_value text)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_id uuid;
begin
  select id into v_id from vault.decrypted_secrets where name = p_name;
  if v_id is null then
    perform vault.create_secret(p_value, p_name, 'Lightspeed OAuth token (README § OAuth)');
  else
    perform vault.update_secret(v_id, p_value);
  end if;
end
$$;

create or replace function sync_private.oauth_secret(p_name text)
  returns text
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select decrypted_secret from vault.decrypted_secrets where name = p_name
$$;

-- A new connection (the OAuth callback): replaces whatever was there and clears any problem.
create or replace function sync_private.oauth_connect(
  p_domain_prefix text,
  p_scopes text,
  p_access_token text,
  p_refresh_token text,
  p_expires_at timestamptz,
  p_lifetime_seconds integer
)
  returns bigint
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_generation bigint;
begin
  perform sync_private.oauth_put_secret('lightspeed_oauth_access_token', p_access_token);
  perform sync_private.oauth_put_secret('lightspeed_oauth_refresh_token', p_refresh_token);
  insert into sync_private.lightspeed_oauth as o (domain_prefix, scopes, generation,
    access_expires_at, access_lifetime)
  values (p_domain_prefix, p_scopes, 1, p_expires_at, make_interval(secs => p_lifetime_seconds))
  on conflict (singleton) do update set
    domain_prefix = excluded.domain_prefix, scopes = excluded.scopes,
    generation = o.generation + 1, status = 'connected', problem = null,
    access_expires_at = excluded.access_expires_at, access_lifetime = excluded.access_lifetime,
    connected_at = now(), refreshed_at = null,
    refresh_owner = null, refresh_started_at = null, refresh_lease_until = null
  returning generation into v_generation;
  return v_generation;
end
$$;

-- The connection as a token user needs it: the access token only while connected.
create or replace function sync_private.oauth_current()
  returns table (
    status text,
    problem text,
    generation bigint,
    domain_prefix text,
    scopes text,
    access_token text,
    access_expires_at timestamptz,
    access_lifetime_seconds double precision,
    refreshing boolean
  )
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select o.status, o.problem, o.generation, o.domain_prefix, o.scopes,
    case when o.status = 'connected'
      then sync_private.oauth_secret('lightspeed_oauth_access_token') end,
    o.access_expires_at, extract(epoch from o.access_lifetime)::double precision,
    o.refresh_owner is not null and o.refresh_lease_until > clock_timestamp()
  from sync_private.lightspeed_oauth as o
$$;

-- Claims the refresh of generation p_seen for p_lease_ms (compare-and-swap). claimed is false
-- while another refresher's lease runs, or once the generation moved on or a reconnect is
-- needed. interrupted: an earlier claim of this generation never stored its result, so the
-- refresh token handed out may already be spent.
create or replace function sync_private.oauth_claim_refresh(
  p_seen bigint,
  p_owner uuid,
  p_lease_ms integer
)
  returns table (claimed boolean, interrupted boolean, refresh_token text)
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_row sync_private.lightspeed_oauth;
begin
  select * into v_row from sync_private.lightspeed_oauth for update;
  if not found or v_row.generation <> p_seen or v_row.status <> 'connected'
    or (v_row.refresh_owner is not null and v_row.refresh_lease_until > clock_timestamp()) then
    return query select false, false, null::text;
    return;
  end if;
  update sync_private.lightspeed_oauth set refresh_owner = p_owner,
    refresh_started_at = coalesce(refresh_started_at, clock_timestamp()),
    refresh_lease_until = clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0);
  return query select true, v_row.refresh_owner is not null,
    sync_private.oauth_secret('lightspeed_oauth_refresh_token');
end
$$;

-- Stores the pair a refresh of generation p_seen got; null when a newer pair is stored already.
-- Whoever holds the only valid refresh token wins, even after its lease ran out.
create or replace function sync_private.oauth_store_refreshed(
  p_seen bigint,
  p_access_token text,
  p_refresh_token text,
  p_expires_at timestamptz,
  p_lifetime_seconds integer,
  p_scopes text
)
  returns bigint
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_generation bigint;
begin
  perform 1 from sync_private.lightspeed_oauth where generation = p_seen for update;
  if not found then
    return null;
  end if;
  perform sync_private.oauth_put_secret('lightspeed_oauth_access_token', p_access_token);
  perform sync_private.oauth_put_secret('lightspeed_oauth_refresh_token', p_refresh_token);
  update sync_private.lightspeed_oauth set generation = generation + 1, status = 'connected',
    problem = null, access_expires_at = p_expires_at,
    access_lifetime = make_interval(secs => p_lifetime_seconds),
    scopes = coalesce(nullif(p_scopes, ''), scopes), refreshed_at = now(),
    refresh_owner = null, refresh_started_at = null, refresh_lease_until = null
  returning generation into v_generation;
  return v_generation;
end
$$;

-- A refresh that got no usable answer: its lease ends now, its claim stays, so the next claimer
-- knows the refresh token may have been spent.
create or replace function sync_private.oauth_release_refresh(p_owner uuid)
  returns void
  language sql
  security definer
  set search_path = ''
as $$
  update sync_private.lightspeed_oauth set refresh_lease_until = clock_timestamp()
  where refresh_owner = p_owner
$$;

-- Lightspeed refused the refresh token of generation p_seen: only a new connection helps.
create or replace function sync_private.oauth_mark_reconnect(p_seen bigint, p_problem text)
  returns void
  language sql
  security definer
  set search_path = ''
as $$
  update sync_private.lightspeed_oauth set status = 'reconnect_needed', problem = p_problem,
    refresh_owner = null, refresh_started_at = null, refresh_lease_until = null
  where generation = p_seen
$$;

do $$
declare
  v_function text;
  v_role text;
begin
  foreach v_function in array array[
    'sync_private.oauth_put_secret(text, text)',
    'sync_private.oauth_secret(text)',
    'sync_private.oauth_connect(text, text, text, text, timestamptz, integer)',
    'sync_private.oauth_current()',
    'sync_private.oauth_claim_refresh(bigint, uuid, integer)',
    'sync_private.oauth_store_refreshed(bigint, text, text, timestamptz, integer, text)',
    'sync_private.oauth_release_refresh(uuid)',
    'sync_private.oauth_mark_reconnect(bigint, text)'
  ] loop
    execute pg_catalog.format('revoke all on function %s from public', v_function);
    foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
      if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
        execute pg_catalog.format('revoke all on function %s from %I', v_function, v_role);
      end if;
    end loop;
  end loop;
end;
$$;
