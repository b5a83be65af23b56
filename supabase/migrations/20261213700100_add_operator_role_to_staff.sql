-- The operator role among staff: a staff member marked operator may run repairs from the
-- dashboard, as the holder of the sync secret may from `deno task repair`. Only the operator
-- sets it, with SQL as the database owner (staff have no write grant on staff_members); each
-- staff member reads their own row, so the dashboard knows whether to offer repairs.
alter table public.staff_members add column if not exists operator boolean not null default false;
