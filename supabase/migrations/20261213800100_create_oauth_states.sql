-- The `state` of each OAuth connect started (README § OAuth): stored as its SHA-256 only, used
-- once (the callback deletes it), and refused after it expires. Private: only the functions'
-- database role uses it.
create table if not exists sync_private.oauth_states (
  state_hash text primary key,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

alter table sync_private.oauth_states enable row level security;
revoke all on table sync_private.oauth_states from public;

do $$
declare
  v_role text;
begin
  foreach v_role in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select 1 from pg_catalog.pg_roles where rolname = v_role) then
      execute pg_catalog.format('revoke all on table sync_private.oauth_states from %I', v_role);
    end if;
  end loop;
end;
$$;

drop policy if exists "no access through the api" on sync_private.oauth_states;
create policy "no access through the api" on sync_private.oauth_states
  for all to anon, authenticated using (false) with check (false);
