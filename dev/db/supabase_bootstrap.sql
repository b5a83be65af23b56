-- Supabase compatibility bootstrap for the LOCAL stack only (never pushed to a project).
-- A hosted Supabase database already has all of this; recreating it here lets the project's
-- migrations run unchanged on plain PostgreSQL 15.
\set ON_ERROR_STOP on

-- API roles as Supabase creates them.
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  -- GoTrue's role: owns the auth schema, nothing in public.
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login noinherit noreplication;
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin login superuser createdb createrole replication bypassrls;
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
-- The services' login roles, as on Supabase: PostgREST logs in as authenticator and switches to
-- the request's role; GoTrue logs in as supabase_auth_admin. Their passwords are derived from
-- the superuser's by dev/db/migrations.ts (psql variables), never stored in this file.
alter role authenticator with login password :'authenticator_password';
alter role supabase_auth_admin with login password :'supabase_auth_admin_password';
alter role supabase_auth_admin set search_path = auth;
grant usage on schema public to anon, authenticated, service_role;

-- The worst case the migrations must handle: older projects grant every new public object to
-- the API roles by default, so the migrations revoke and grant back narrowly themselves.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pgtap with schema extensions;
create extension if not exists supabase_vault;

-- Auth: the parts of GoTrue's schema that policies and the local auth stand-in use.
create schema if not exists auth authorization supabase_auth_admin;
alter schema auth owner to supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email)
  where is_anonymous = false;
alter table auth.users owner to supabase_auth_admin;
-- GoTrue's session tables (dev/api/auth/bootstrap.sql), when a cluster made before this role
-- existed already has them: handed to it, so the auth stand-in logging in as it can use them.
do $$
declare
  name text;
begin
  foreach name in array array['auth.sessions', 'auth.refresh_tokens'] loop
    if to_regclass(name) is not null then
      execute format('alter table %s owner to supabase_auth_admin', name);
    end if;
  end loop;
end
$$;
-- The local auth stand-in checks bcrypt passwords with pgcrypto's crypt() (GoTrue does it in
-- Go), so its role may use the extensions schema; it gets nothing in public.
grant usage on schema extensions to supabase_auth_admin;

-- Claims are read the way Supabase's functions read them: the newer single JSON setting, with
-- the older per-claim settings still honoured.
create or replace function auth.uid() returns uuid
  language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
  language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
  language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
  language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;
