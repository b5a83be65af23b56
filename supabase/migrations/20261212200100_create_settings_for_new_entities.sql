-- Registering an entity (a row in public.sync_entities) gives it its sync_settings row with
-- the defaults, so the scheduler, which reads sync_settings, syncs it from the next minute.
-- An existing settings row (an operator's choices) is kept.
create or replace function sync_private.create_entity_settings()
  returns trigger
  language plpgsql
  security invoker
  set search_path = ''
as $$
begin
  insert into public.sync_settings (entity) values (new.entity)
  on conflict (entity) do nothing;
  return new;
end
$$;

revoke all on function sync_private.create_entity_settings() from public, anon, authenticated;

drop trigger if exists create_entity_settings on public.sync_entities;
create trigger create_entity_settings
  after insert on public.sync_entities
  for each row execute function sync_private.create_entity_settings();
