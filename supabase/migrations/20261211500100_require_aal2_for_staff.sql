-- Staff access honours public.staff_sign_in_policy: with require_aal2 on, a staff member's
-- token must carry aal = 'aal2' (a verified second factor in this session). Every staff-only
-- policy and view goes through is_staff(), so this one function applies it everywhere.
create or replace function public.is_staff()
  returns boolean
  language sql
  stable
  security invoker
  set search_path = ''
as $$
  select exists (
      select 1 from public.staff_members as s where s.user_id = (select auth.uid())
    )
    and (
      not coalesce((select p.require_aal2 from public.staff_sign_in_policy as p), false)
      or coalesce((select auth.jwt() ->> 'aal'), '') = 'aal2'
    )
$$;

revoke all on function public.is_staff() from public, anon;
grant execute on function public.is_staff() to authenticated;
