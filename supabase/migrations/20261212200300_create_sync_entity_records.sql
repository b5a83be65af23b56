-- Live records of a registered entity: rows of its table (public.sync_entities.table_name) not
-- deleted at the source. sync_status counts with it, so a new entity's count needs no edit of
-- the view. Null for a name that is not registered, or whose table is missing (the overview
-- still loads; 35_sync_entities_test.sql checks that every registered table exists). Security
-- invoker: the caller's row-level security applies, so for a user who is not staff, who sees
-- no registered entity, it is null.
create or replace function public.sync_entity_records(p_entity text)
  returns bigint
  language plpgsql
  stable
  security invoker
  set search_path = ''
as $$
declare
  v_table text;
  v_records bigint;
begin
  select e.table_name into v_table from public.sync_entities as e
  where e.entity = p_entity and to_regclass(format('public.%I', e.table_name)) is not null;
  if v_table is null then
    return null;
  end if;
  execute format('select count(*) from public.%I where deleted_at is null', v_table)
    into v_records;
  return v_records;
end
$$;

revoke all on function public.sync_entity_records(text) from public, anon, authenticated;
grant execute on function public.sync_entity_records(text) to authenticated, service_role;
