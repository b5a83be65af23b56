-- Local stand-in for pg_net: the same schema, tables and function signatures that projects
-- call on Supabase. Requests are queued here and sent after commit by dev/net_worker.ts, which
-- writes outcomes to net._http_response exactly as pg_net's worker does.
create schema if not exists net;

create domain net.http_method as text
  check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

-- Unlogged like the real ones: a crash drops queued calls.
create unlogged table net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);

create index on net._http_response (created);

create function net._urlencode_string(string text)
  returns text
  language sql
  immutable
  strict
  set search_path = ''
as $$
  select string_agg(
    case
      when ch ~ '^[A-Za-z0-9_.~-]$' then ch
      else upper(regexp_replace(encode(convert_to(ch, 'UTF8'), 'hex'), '(..)', '%\1', 'g'))
    end, '' order by ordinality)
  from regexp_split_to_table(string, '') with ordinality as chars(ch, ordinality)
$$;

create function net._encode_url_with_params(url text, params jsonb)
  returns text
  language sql
  immutable
  set search_path = ''
as $$
  select case
    when params is null or params = '{}'::jsonb then url
    else url || case when position('?' in url) > 0 then '&' else '?' end || (
      select string_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value), '&')
      from jsonb_each_text(params)
    )
  end
$$;

-- Wakes the local worker; NOTIFY is delivered at commit, when pg_net would send too.
create function net._wake_worker()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  perform pg_notify('pg_net_local', '');
  return null;
end
$$;

create trigger wake_worker
  after insert on net.http_request_queue
  for each statement execute function net._wake_worker();

create function net.http_get(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
)
  returns bigint
  language plpgsql
  volatile
  set search_path = ''
as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params(url, params), headers, timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

create function net.http_post(
  url text,
  body jsonb default '{}'::jsonb,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
)
  returns bigint
  language plpgsql
  volatile
  set search_path = ''
as $$
declare
  request_id bigint;
  content_type text;
begin
  select header_value into content_type
  from jsonb_each_text(coalesce(headers, '{}'::jsonb)) as h(header_name, header_value)
  where lower(header_name) = 'content-type'
  limit 1;

  if content_type is null then
    headers := coalesce(headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  elsif content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  if body is null then
    raise exception 'body must not be null';
  end if;

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (
    'POST',
    net._encode_url_with_params(url, params),
    headers,
    convert_to(body::text, 'UTF8'),
    timeout_milliseconds
  )
  returning id into request_id;
  return request_id;
end
$$;

create function net.http_delete(
  url text,
  params jsonb default '{}'::jsonb,
  headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
)
  returns bigint
  language plpgsql
  volatile
  set search_path = ''
as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params(url, params), headers, timeout_milliseconds)
  returning id into request_id;
  return request_id;
end
$$;

-- The grants of a hosted project, at least as open as there, so a test can see what an API role
-- reads. pg_net's own install script gives every role the schema, its tables (the queue's headers
-- and bodies, the responses) and its sequences:
grant usage on schema net to public;
grant all on all sequences in schema net to public;
grant all on all tables in schema net to public;
-- and Supabase's event trigger on `create extension pg_net` (extensions.grant_pg_net_access)
-- gives http_get and http_post to the API roles instead of PUBLIC; every other function keeps
-- PostgreSQL's default, execute for PUBLIC.
revoke all on function
  net.http_get(text, jsonb, jsonb, integer),
  net.http_post(text, jsonb, jsonb, jsonb, integer)
  from public;
grant execute on function
  net.http_get(text, jsonb, jsonb, integer),
  net.http_post(text, jsonb, jsonb, jsonb, integer)
  to postgres, anon, authenticated, service_role;
