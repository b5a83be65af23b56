-- Staff allow-list: the only signed-in users who may read synced data and sync status.
-- Keyed by the Supabase Auth user id; membership applies at once (no token refresh needed).
create table if not exists public.staff_members (
  user_id uuid primary key references auth.users (id) on delete cascade,
  email text,
  added_at timestamptz not null default now(),
  note text
);

alter table public.staff_members enable row level security;

revoke all on table public.staff_members from anon, authenticated;
grant select on table public.staff_members to authenticated;

-- A signed-in user can see only their own membership row; that is all is_staff() needs.
drop policy if exists "staff members see their own row" on public.staff_members;
create policy "staff members see their own row" on public.staff_members
  for select to authenticated
  using (user_id = (select auth.uid()));

-- Security invoker on purpose: it relies on the policy above, not on elevated rights.
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
$$;

revoke all on function public.is_staff() from public, anon;
grant execute on function public.is_staff() to authenticated;
