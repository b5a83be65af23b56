-- Scheduled calls are signed, never carry the sync secret: each queued request names its call
-- (x-sync-call-id) and signs t.call_id.body with HMAC-SHA256 under the Vault sync_secret, fresh
-- from the real clock; nothing queued holds the secret; and anon and authenticated, who on a
-- hosted project hold pg_net's grants to PUBLIC, may neither read its tables nor call it here.
begin;
set local search_path = public, extensions;
select plan(16);

select has_column('sync_private', 'scheduled_calls', 'received_at',
  'a scheduled call records when a function accepted its signature');
select col_is_null('sync_private', 'scheduled_calls', 'received_at',
  'received_at is empty until the call arrives');

-- Two due calls: a nightly sync-entity call (10:00 UTC) and an import continuation.
update public.sync_settings set enabled = false;
update public.sync_schedule
set enabled = true, time_zone = 'UTC', nightly_hour = 10, call_timeout_ms = default;
delete from vault.secrets where name in ('project_url', 'sync_secret');
do $$
begin
  perform vault.create_secret('https://abcdefghijklmnopqrst.supabase.co', 'project_url');
  perform vault.create_secret('pgtap-sign-secret-0123456789', 'sync_secret');
end
$$;
insert into public.sync_settings (entity) values ('test_sign_send'), ('test_sign_import');
insert into public.sync_state (entity, import_status, updated_at)
values ('test_sign_send', null, '2026-06-10 09:00+00'),
  ('test_sign_import', 'running', '2026-06-10 09:00+00');

select is(sync_private.dispatch_due_syncs('2026-06-10 10:20+00'), 2, 'both calls are queued');

create temporary table signed_request on commit drop as
select c.entity, c.function_name, c.id as call_id, q.headers, q.body,
  substring(q.headers ->> 'x-sync-signature' from '^t=([0-9]+),v1=[0-9a-f]{64}$')::bigint as t,
  substring(q.headers ->> 'x-sync-signature' from '^t=[0-9]+,v1=([0-9a-f]{64})$') as v1
from net.http_request_queue as q
join sync_private.scheduled_calls as c on c.request_id = q.id
where c.entity like 'test_sign_%';

select is((select count(*)::int from signed_request), 2, 'both requests are in the queue');
select is(
  (select array_agg(function_name || ' ' || (headers ->> 'x-sync-call-id' = call_id::text)
     order by function_name) from signed_request),
  array['import-history true', 'sync-entity true'],
  'every request names its call, import-history included');
select is((select count(*)::int from signed_request where t is not null and v1 is not null), 2,
  'every request carries x-sync-signature: t=<unix seconds>,v1=<64 hex digits>');
select ok(
  (select bool_and(abs(t - extract(epoch from clock_timestamp())) < 30) from signed_request),
  'the signature time is the real clock, not the p_now a test gave the dispatcher');
-- Recomputed here from the bytes pg_net will send, with pgcrypto, independently of the migration.
select is(
  (select array_agg(v1 = encode(extensions.hmac(
       convert_to(t || '.' || call_id || '.', 'UTF8') || body,
       convert_to('pgtap-sign-secret-0123456789', 'UTF8'), 'sha256'), 'hex'))
   from signed_request),
  array[true, true],
  'v1 is HMAC-SHA256 under sync_secret of t, the call id and the exact body sent');
select is(
  (select count(*)::int from signed_request as r
   where r.v1 = encode(extensions.hmac(
       convert_to(r.t || '.' || r.call_id || '.' || '{"entity": "someone_else"}', 'UTF8'),
       convert_to('pgtap-sign-secret-0123456789', 'UTF8'), 'sha256'), 'hex')),
  0, 'the signature does not fit another body');
select is(
  (select count(*)::int from net.http_request_queue
   where strpos(coalesce(headers::text, '') || coalesce(convert_from(body, 'UTF8'), ''),
     'pgtap-sign-secret-0123456789') > 0),
  0, 'no queued request holds the sync secret, in a header or the body');
select is((select count(*)::int from signed_request where headers ? 'x-sync-secret'), 0,
  'no request has an x-sync-secret header any more');

-- As each API role: the search for the secret in pg_net's tables is refused outright.
create function public.pgtap_net_secret_search(p_secret text) returns text
  language plpgsql
as $$
declare
  v_hits integer;
begin
  select count(*) into v_hits from net.http_request_queue
  where strpos(coalesce(headers::text, ''), p_secret) > 0;
  select v_hits + count(*) into v_hits from net._http_response
  where strpos(coalesce(headers::text, '') || coalesce(content, ''), p_secret) > 0;
  return format('readable, %s rows hold the secret', v_hits);
exception when insufficient_privilege then
  return 'refused';
end
$$;
grant execute on function public.pgtap_net_secret_search(text) to anon, authenticated;

set local role anon;
select is(public.pgtap_net_secret_search('pgtap-sign-secret-0123456789'), 'refused',
  'anon may not read pg_net''s queue or responses');
select throws_ok(
  $$ select net.http_post('https://example.com', '{}'::jsonb) $$, '42501', null,
  'anon may not make the database send a request');
reset role;
set local role authenticated;
select is(public.pgtap_net_secret_search('pgtap-sign-secret-0123456789'), 'refused',
  'authenticated may not read pg_net''s queue or responses');
select throws_ok(
  $$ select net.http_get('https://example.com') $$, '42501', null,
  'authenticated may not make the database send a request');
reset role;

select ok(
  not exists (
    select from pg_class as c
    join pg_namespace as n on n.oid = c.relnamespace
    cross join lateral aclexplode(c.relacl) as a
    where n.nspname = 'net' and c.relkind in ('r', 'S') and a.grantee = 0
  ),
  'PUBLIC holds no right on any table or sequence of net');

select * from finish();
rollback;
