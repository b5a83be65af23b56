-- No API role may use, read or set any sequence in public: UPDATE on a sequence allows setval(),
-- which could rewind sync_log's or sync_rejects' ids onto existing rows. Checked over every
-- sequence in the catalog, so one added later with a default grant fails here.
begin;
set local search_path = public, extensions;
select plan(7);

select has_sequence('public', 'sync_log_id_seq', 'sync_log has its identity sequence');
select has_sequence('public', 'sync_rejects_id_seq', 'sync_rejects has its identity sequence');

select is(
  (select coalesce(array_agg(format('%s to %s', c.relname, r.role) order by c.relname, r.role),
     '{}')
   from pg_class as c
   join pg_namespace as n on n.oid = c.relnamespace
   cross join (values ('anon'), ('authenticated')) as r(role)
   where n.nspname = 'public' and c.relkind = 'S'
     and has_sequence_privilege(r.role, c.oid, 'usage, select, update')),
  '{}'::text[],
  'anon and authenticated hold no privilege on any sequence in public');

select is(
  (select count(*)::int
   from pg_class as c
   join pg_namespace as n on n.oid = c.relnamespace
   cross join lateral aclexplode(c.relacl) as a
   where n.nspname = 'public' and c.relkind = 'S'
     and a.grantee in ('anon'::regrole, 'authenticated'::regrole)),
  0, 'no sequence in public names anon or authenticated in its ACL');

set local role anon;
select throws_ok($$ select setval('public.sync_log_id_seq', 1) $$, '42501', null,
  'anon cannot setval sync_log_id_seq');
reset role;

set local role authenticated;
select throws_ok($$ select setval('public.sync_rejects_id_seq', 1) $$, '42501', null,
  'authenticated cannot setval sync_rejects_id_seq');
select throws_ok($$ select nextval('public.sync_log_id_seq') $$, '42501', null,
  'authenticated cannot draw from sync_log_id_seq');
reset role;

select * from finish();
rollback;
