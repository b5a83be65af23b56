-- Row-level security over every table and view in public, read from the catalog so a relation
-- added later is covered without editing this file: anon reads nothing (no grant, or zero
-- rows), a signed-in user who is not staff reads nothing, staff read what is there. Every
-- relation gets a row first, so "nothing" can only mean the rules hid it.
begin;
set local search_path = public, extensions;

create schema pgtap_rls_every;
grant usage on schema pgtap_rls_every to anon, authenticated;

-- Rows the calling role can see in p_rel; null when it may not read it at all.
create function pgtap_rls_every.visible_rows(p_rel regclass)
  returns bigint
  language plpgsql
  security invoker
as $$
declare
  v_rows bigint;
begin
  execute format('select count(*) from %s', p_rel) into v_rows;
  return v_rows;
exception when insufficient_privilege then
  return null;
end
$$;
grant execute on function pgtap_rls_every.visible_rows(regclass) to anon, authenticated;

create table pgtap_rls_every.relations (
  rel regclass primary key,
  owner_rows bigint,
  anon_rows bigint,
  visitor_rows bigint,
  staff_rows bigint
);
grant select, update on pgtap_rls_every.relations to anon, authenticated;
insert into pgtap_rls_every.relations (rel)
select c.oid
from pg_class as c
join pg_namespace as n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f');

select plan(1 + 4 * (select count(*)::int from pgtap_rls_every.relations));

select ok((select count(*) from pgtap_rls_every.relations) >= 18,
  'the catalog lists every table and view of public');

insert into auth.users (id, email) values
  ('04000000-0000-4000-8000-000000000001', 'pgtap-rls-every-staff@example.invalid'),
  ('04000000-0000-4000-8000-000000000002', 'pgtap-rls-every-visitor@example.invalid');
insert into public.staff_members (user_id, email)
  values ('04000000-0000-4000-8000-000000000001', 'pgtap-rls-every-staff@example.invalid');

-- A table whose CHECK constraints list the values a column takes gets its row here; the loop
-- below could only guess them.
insert into public.repair_log (action, entity, requested_by) values ('record', 'sales', 'operator');

-- One row in every empty table: a value for each required column without a default, a
-- referenced row's key for a foreign key. Referenced tables are filled before the tables that
-- reference them. A table whose check constraints those generic values do not meet gets its
-- row here first.
insert into public.alert_log (rule, kind, message)
  values ('pgtap_rls_every', 'test', 'pgtap_rls_every');
do $$
declare
  v_table record;
  v_columns text;
  v_values text;
  v_empty boolean;
begin
  for v_table in
    select c.oid::regclass as rel
    from pg_class as c
    join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by exists (
      select 1 from pg_constraint as f
      where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid
        and f.confrelid::regclass::text not like 'auth.%'
    ), c.relname
  loop
    execute format('select not exists (select 1 from %s)', v_table.rel) into v_empty;
    continue when not v_empty;
    select
      string_agg(quote_ident(a.attname), ', ' order by a.attnum),
      string_agg(
        coalesce(
          (select format('(select %I from %s limit 1)', ra.attname, f.confrelid::regclass)
           from pg_constraint as f
           join pg_attribute as ra
             on ra.attrelid = f.confrelid
            and ra.attnum = f.confkey[array_position(f.conkey, a.attnum)]
           where f.conrelid = a.attrelid and f.contype = 'f' and a.attnum = any(f.conkey)
           limit 1),
          case a.atttypid
            when 'uuid'::regtype then 'gen_random_uuid()'
            when 'jsonb'::regtype then '''{}''::jsonb'
            when 'timestamptz'::regtype then 'now()'
            when 'date'::regtype then 'current_date'
            when 'boolean'::regtype then 'false'
            when 'interval'::regtype then '''1 hour''::interval'
            when 'text'::regtype then quote_literal('pgtap_rls_every')
            else '1'
          end
        ),
        ', ' order by a.attnum
      )
    into v_columns, v_values
    from pg_attribute as a
    where a.attrelid = v_table.rel and a.attnum > 0 and not a.attisdropped and a.attnotnull
      and not a.atthasdef and a.attidentity = '' and a.attgenerated = '';
    execute format('insert into %s (%s) values (%s)', v_table.rel, v_columns, v_values);
  end loop;
end
$$;

update pgtap_rls_every.relations set owner_rows = pgtap_rls_every.visible_rows(rel);

set local role anon;
update pgtap_rls_every.relations set anon_rows = pgtap_rls_every.visible_rows(rel);
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub": "04000000-0000-4000-8000-000000000002", "role": "authenticated"}';
update pgtap_rls_every.relations set visitor_rows = pgtap_rls_every.visible_rows(rel);
reset role;

set local role authenticated;
set local request.jwt.claims = '{"sub": "04000000-0000-4000-8000-000000000001", "role": "authenticated"}';
update pgtap_rls_every.relations set staff_rows = pgtap_rls_every.visible_rows(rel);
reset role;

select ok(owner_rows > 0, format('%s has a row to hide', rel))
from pgtap_rls_every.relations order by rel::text;

select ok(coalesce(anon_rows, 0) = 0,
  format('anon reads nothing from %s (%s)', rel,
    coalesce(anon_rows || ' rows visible', 'permission denied')))
from pgtap_rls_every.relations order by rel::text;

select ok(coalesce(visitor_rows, 0) = 0,
  format('a signed-in non-staff user reads nothing from %s (%s)', rel,
    coalesce(visitor_rows || ' rows visible', 'permission denied')))
from pgtap_rls_every.relations order by rel::text;

-- staff_members shows each signed-in user their own membership only (all is_staff() needs).
select ok(
  case when rel = 'public.staff_members'::regclass then staff_rows = 1
    else staff_rows = owner_rows end,
  format('staff read %s (%s of %s rows)', rel, coalesce(staff_rows::text, 'permission denied'),
    owner_rows))
from pgtap_rls_every.relations order by rel::text;

select * from finish();
rollback;
