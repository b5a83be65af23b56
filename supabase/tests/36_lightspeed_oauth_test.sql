-- The OAuth connection (README § OAuth): tokens only in Vault, the API roles may neither read the
-- connection's tables nor call its functions, and the refresh claim is a compare-and-swap: one
-- claimer per generation, a stale store refused, a claim left behind reported as interrupted.
begin;
set local search_path = public, extensions;
select plan(14);

delete from sync_private.lightspeed_oauth;
delete from vault.secrets where name like 'lightspeed_oauth_%';

select is(
  (select count(*)::int from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    cross join (values ('anon'), ('authenticated')) as r(role)
    where n.nspname = 'sync_private' and p.proname like 'oauth\_%'
      and has_function_privilege(r.role, p.oid, 'execute')),
  0, 'anon and authenticated may call no sync_private.oauth_* function');
select is(
  (select count(*)::int from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'sync_private' and p.proname like 'oauth\_%'),
  8, 'the eight oauth functions are the ones checked');
select ok(
  not has_table_privilege('anon', 'sync_private.lightspeed_oauth', 'select')
    and not has_table_privilege('authenticated', 'sync_private.lightspeed_oauth', 'select')
    and not has_table_privilege('anon', 'sync_private.oauth_states', 'select')
    and not has_table_privilege('authenticated', 'sync_private.oauth_states', 'select'),
  'the API roles may not read the connection or the states');

select is(
  sync_private.oauth_connect('mystore', 'sales:read', 'pgtap-access-1', 'pgtap-refresh-1',
    now() + interval '1 hour', 3600),
  1::bigint, 'a first connect is generation 1');
select is(
  (select count(*)::int from sync_private.lightspeed_oauth as o
    where row_to_json(o)::text like '%pgtap-%'),
  0, 'no token in the connection row');
select is(
  (select decrypted_secret from vault.decrypted_secrets
    where name = 'lightspeed_oauth_refresh_token'),
  'pgtap-refresh-1', 'the refresh token is in Vault');

select is(
  (select row(claimed, interrupted, refresh_token)::text
    from sync_private.oauth_claim_refresh(1, 'a0000000-0000-0000-0000-000000000001', 60000)),
  '(t,f,pgtap-refresh-1)', 'the first claimer gets the refresh token');
select is(
  (select claimed from sync_private.oauth_claim_refresh(1,
    'a0000000-0000-0000-0000-000000000002', 60000)),
  false, 'a second claimer waits while the lease runs');
select is(
  (select refreshing from sync_private.oauth_current()), true, 'the refresh shows as running');

-- The first claimer is cut off: its lease ends, its claim stays.
select sync_private.oauth_release_refresh('a0000000-0000-0000-0000-000000000001');
select is(
  (select interrupted from sync_private.oauth_claim_refresh(1,
    'a0000000-0000-0000-0000-000000000003', 60000)),
  true, 'the next claimer learns the refresh token may be spent');

select is(
  sync_private.oauth_store_refreshed(1, 'pgtap-access-2', 'pgtap-refresh-2',
    now() + interval '1 hour', 3600, ''),
  2::bigint, 'a refresh of the current generation is stored');
select is(
  sync_private.oauth_store_refreshed(1, 'pgtap-access-x', 'pgtap-refresh-x',
    now() + interval '1 hour', 3600, ''),
  null::bigint, 'a stale refresh is refused');
select is(
  (select row(access_token, scopes, refreshing)::text from sync_private.oauth_current()),
  '(pgtap-access-2,sales:read,f)', 'the new access token, the scopes kept, no claim left');

select sync_private.oauth_mark_reconnect(2, 'pgtap problem');
select is(
  (select row(status, problem, access_token)::text from sync_private.oauth_current()),
  '(reconnect_needed,"pgtap problem",)', 'reconnect needed hands out no access token');

select * from finish();
rollback;
