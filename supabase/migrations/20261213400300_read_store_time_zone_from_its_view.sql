-- One definition of the store's time zone: the scheduler's nightly hour now reads the same
-- view the dashboard counts its days in (public.sync_store_time_zone), so the two never
-- disagree about which zone "the store" is in. The view returns no row for a caller who is not
-- staff; the scheduler runs as the database owner, who sees it, and UTC stays the fallback.
create or replace function sync_private.store_time_zone()
  returns text
  language sql
  stable
  set search_path = ''
as $$
  select coalesce((select z.time_zone from public.sync_store_time_zone as z limit 1), 'UTC')
$$;

revoke all on function sync_private.store_time_zone() from public, anon, authenticated;
