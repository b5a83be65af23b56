// DEVELOPMENT ONLY: an auth.users row as the local auth stand-in loads it, GoTrue's JSON shape of
// a user, and the check that the user may still hold a session.
import type { Sql } from "postgres";
import { AuthError } from "./auth_error.ts";

export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  banned_until: Date | null;
  is_anonymous: boolean;
  /** The user's MFA factors, as GoTrue lists them in the user JSON. */
  factors: FactorJson[];
}

export interface FactorJson {
  id: string;
  friendly_name?: string;
  factor_type: string;
  status: "verified" | "unverified";
  created_at: string;
  updated_at: string;
  last_challenged_at: string | null;
}

export async function loadUser(sql: Sql, id: string): Promise<UserRow | undefined> {
  const [row] = await sql<Omit<UserRow, "factors">[]>`
    select id, aud, role, email, email_confirmed_at, last_sign_in_at, raw_app_meta_data,
      raw_user_meta_data, created_at, updated_at, banned_until, is_anonymous
    from auth.users where id = ${id} and deleted_at is null`;
  if (!row) return undefined;
  const factors = await sql<FactorJson[]>`
    select id, nullif(friendly_name, '') as friendly_name, factor_type, status,
      to_json(created_at) #>> '{}' as created_at, to_json(updated_at) #>> '{}' as updated_at,
      to_json(last_challenged_at) #>> '{}' as last_challenged_at
    from auth.mfa_factors where user_id = ${id} order by created_at`;
  return {
    ...row,
    factors: factors.map((f) => ({ ...f, friendly_name: f.friendly_name ?? undefined })),
  };
}

/** A missing or banned user gets GoTrue's error instead of a session or a user. */
export function assertUsable(user: UserRow | undefined): asserts user is UserRow {
  if (!user) {
    throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
  }
  if (user.banned_until && user.banned_until.getTime() > Date.now()) {
    throw new AuthError(400, "user_banned", "User is banned");
  }
}

function iso(date: Date | null): string | undefined {
  return date ? date.toISOString() : undefined;
}

export function userJson(user: UserRow) {
  const confirmed = iso(user.email_confirmed_at);
  return {
    id: user.id,
    aud: user.aud ?? "authenticated",
    role: user.role ?? "authenticated",
    email: user.email,
    email_confirmed_at: confirmed,
    phone: "",
    confirmed_at: confirmed,
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [],
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: user.is_anonymous,
    // GoTrue leaves the list out when there is none.
    ...(user.factors.length > 0 ? { factors: user.factors } : {}),
  };
}
