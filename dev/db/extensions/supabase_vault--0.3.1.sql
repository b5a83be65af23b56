-- Local stand-in for Supabase Vault: the same table, view and functions projects call on
-- Supabase. Values are only base64-encoded here (no key management locally); production uses
-- the real, encrypted Vault.
create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);

create unique index secrets_name_idx on vault.secrets (name) where name is not null;

create view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  convert_from(decode(s.secret, 'base64'), 'UTF8') as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets as s;

create function vault.create_secret(
  new_secret text,
  new_name text default null,
  new_description text default '',
  new_key_id uuid default null
)
  returns uuid
  language plpgsql
  set search_path = ''
as $$
declare
  secret_id uuid;
begin
  insert into vault.secrets (secret, name, description, key_id)
  values (encode(convert_to(new_secret, 'UTF8'), 'base64'), new_name, new_description, new_key_id)
  returning id into secret_id;
  return secret_id;
end
$$;

create function vault.update_secret(
  secret_id uuid,
  new_secret text default null,
  new_name text default null,
  new_description text default null,
  new_key_id uuid default null
)
  returns void
  language plpgsql
  set search_path = ''
as $$
begin
  update vault.secrets as s
  set
    secret = coalesce(encode(convert_to(new_secret, 'UTF8'), 'base64'), s.secret),
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    key_id = coalesce(new_key_id, s.key_id),
    updated_at = current_timestamp
  where s.id = secret_id;
end
$$;

revoke all on all tables in schema vault from public;
revoke all on all functions in schema vault from public;
