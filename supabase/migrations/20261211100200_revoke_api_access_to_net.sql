-- pg_net grants every role all rights on its tables and sequences (its own install script:
-- `grant all on all tables in schema net to PUBLIC`), and Supabase lets anon and authenticated
-- call its functions. So anyone with the project's publishable key could, through an exposed
-- RPC or a policy mistake, read every queued request and response, or make the database send
-- requests. None of that is needed by this product: only the migration role (pg_cron's jobs)
-- queues requests and reads responses. This takes the rights away from PUBLIC, anon and
-- authenticated where the platform lets the project do so (README § Security).
--
-- On hosted projects pg_net's objects belong to a platform role, and the migration role may not
-- be allowed to change their grants: each statement that is refused becomes a notice, never a
-- failed migration. Signed scheduler calls (20261211100100) keep the sync secret out of these
-- tables either way; this is the second line of defence.
do $$
declare
  v_statement text;
  v_refused text[] := '{}';
  v_open text[];
begin
  if not exists (select from pg_namespace where nspname = 'net') then
    raise notice 'schema net does not exist: nothing to revoke';
    return;
  end if;
  foreach v_statement in array array[
    -- The migration role keeps what the scheduler needs, before PUBLIC (which may be how it
    -- held those rights) loses them.
    format('grant usage on schema net to %I', current_user),
    format('grant all on all tables in schema net to %I', current_user),
    format('grant all on all sequences in schema net to %I', current_user),
    format('grant execute on all functions in schema net to %I', current_user),
    'revoke all on all tables in schema net from public, anon, authenticated',
    'revoke all on all sequences in schema net from public, anon, authenticated',
    'revoke all on all functions in schema net from public, anon, authenticated'
  ] loop
    begin
      execute v_statement;
    exception when insufficient_privilege then
      v_refused := v_refused || v_statement;
    end;
  end loop;
  if cardinality(v_refused) > 0 then
    raise notice 'not allowed on this platform (kept as they were): %',
      array_to_string(v_refused, '; ');
  end if;

  -- What the API roles can still reach: said, so an operator reading the migration log knows.
  select array_agg(format('%s net.%s.%s', r.rolname, c.relname, p.privilege)
    order by r.rolname, c.relname, p.privilege)
  into v_open
  from pg_class as c
  join pg_namespace as n on n.oid = c.relnamespace and n.nspname = 'net'
  cross join (values ('anon'), ('authenticated')) as r (rolname)
  cross join (values ('select'), ('insert'), ('update'), ('delete')) as p (privilege)
  where c.relkind in ('r', 'S', 'v')
    and exists (select from pg_roles where pg_roles.rolname = r.rolname)
    and case when c.relkind = 'S' then p.privilege in ('select', 'update')
      and has_sequence_privilege(r.rolname, c.oid, p.privilege)
      else has_table_privilege(r.rolname, c.oid, p.privilege) end;
  if v_open is not null then
    raise notice 'API roles can still use pg_net tables: %; the scheduler sends no secret there',
      array_to_string(v_open, ', ');
  end if;
end
$$;
