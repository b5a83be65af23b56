// DEVELOPMENT ONLY: create sign-in users on the local stack (hosted projects invite staff from
// the Supabase dashboard instead). Passwords are stored as GoTrue stores them: bcrypt in
// auth.users.encrypted_password.
import type { Sql } from "postgres";
import { ensureLocalAuthSchema } from "./schema.ts";

export interface LocalUser {
  id: string;
  email: string;
}

/**
 * The shortest password a local user may get, as `minimum_password_length` in
 * supabase/config.toml and the hosted project's Auth settings (dashboard/README.md).
 */
export const localMinimumPasswordLength = 12;

/** The demo staff login `deno task demo` prints. Local only; never used by a hosted project. */
export const demoStaffLogin = {
  email: "staff@example.com",
  password: "demo-staff-password",
} as const;

/**
 * Creates or updates a confirmed email/password user, and adds them to (or removes them from)
 * the staff allow-list. Idempotent: calling it again resets the password and membership.
 */
export async function createLocalUser(
  sql: Sql,
  email: string,
  password: string,
  options: { staff: boolean; note?: string; minimumPasswordLength?: number },
): Promise<LocalUser> {
  const normalized = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(normalized)) throw new Error(`Invalid email "${email}"`);
  const minimum = options.minimumPasswordLength ?? localMinimumPasswordLength;
  if (password.length < minimum) {
    throw new Error(`Password must be at least ${minimum} characters`);
  }
  await ensureLocalAuthSchema(sql);
  return await sql.begin(async (tx) => {
    const [existing] = await tx<{ id: string }[]>`
      select id from auth.users where email = ${normalized} and is_anonymous = false`;
    let id: string;
    if (existing) {
      id = existing.id;
      await tx`
        update auth.users
        set encrypted_password = extensions.crypt(${password}, extensions.gen_salt('bf')),
            email_confirmed_at = coalesce(email_confirmed_at, now()),
            banned_until = null, deleted_at = null, updated_at = now()
        where id = ${id}`;
    } else {
      const [row] = await tx<{ id: string }[]>`
        insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
          email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
        values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',
          'authenticated', ${normalized},
          extensions.crypt(${password}, extensions.gen_salt('bf')), now(),
          '{"provider": "email", "providers": ["email"]}', '{}', now(), now())
        returning id`;
      id = row.id;
    }
    if (options.staff) {
      await tx`
        insert into public.staff_members (user_id, email, note)
        values (${id}, ${normalized}, ${options.note ?? "local user"})
        on conflict (user_id) do update set email = excluded.email`;
    } else {
      await tx`delete from public.staff_members where user_id = ${id}`;
    }
    return { id, email: normalized };
  });
}

/** Creates (or resets) the demo staff user and returns the login to print. */
export async function ensureDemoStaff(sql: Sql): Promise<LocalUser & { password: string }> {
  const user = await createLocalUser(sql, demoStaffLogin.email, demoStaffLogin.password, {
    staff: true,
    note: "demo staff (local only)",
  });
  return { ...user, password: demoStaffLogin.password };
}

/** Removes a local user and everything that cascades from it (sessions, staff membership). */
export async function deleteLocalUser(sql: Sql, email: string): Promise<void> {
  await sql`delete from auth.users where email = ${email.trim().toLowerCase()}`;
}
