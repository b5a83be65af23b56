-- How staff must sign in: one row the operator sets with SQL (staff cannot change it). When
-- require_aal2 is on, is_staff() counts only tokens that passed a second factor (aal2), so a
-- stolen password alone reads nothing. Staff read the row so the dashboard can lead them to
-- enroll or enter a code; the policy checks membership only, as is_staff() itself reads it.
create table if not exists public.staff_sign_in_policy (
  id boolean primary key default true check (id),
  require_aal2 boolean not null default false,
  updated_at timestamptz not null default now()
);

insert into public.staff_sign_in_policy (id) values (true) on conflict (id) do nothing;

alter table public.staff_sign_in_policy enable row level security;

revoke all on table public.staff_sign_in_policy from anon, authenticated;
grant select on table public.staff_sign_in_policy to authenticated;

drop policy if exists "staff members read" on public.staff_sign_in_policy;
create policy "staff members read" on public.staff_sign_in_policy
  for select to authenticated
  using (exists (
    select 1 from public.staff_members as s where s.user_id = (select auth.uid())
  ));
