-- Settings rows record when they last changed, whoever changed them (staff through the API may
-- not write updated_at themselves: their column grants stop at the operator-facing columns).
create or replace function sync_private.touch_updated_at()
  returns trigger
  language plpgsql
  security invoker
  set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

revoke all on function sync_private.touch_updated_at() from public;

drop trigger if exists touch_updated_at on public.sync_settings;
create trigger touch_updated_at
  before update on public.sync_settings
  for each row execute function sync_private.touch_updated_at();

drop trigger if exists touch_updated_at on public.sync_schedule;
create trigger touch_updated_at
  before update on public.sync_schedule
  for each row execute function sync_private.touch_updated_at();
