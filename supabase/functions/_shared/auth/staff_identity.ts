// Which staff member a Bearer token belongs to. The token is verified by supabase-js
// (`auth.getClaims`): against the project's signing keys (SUPABASE_JWKS, else the JWKS that
// Auth publishes, cached for 10 minutes) when the token is signed asymmetrically, and by Auth
// itself for a legacy HS256 token. Its `sub` must then be on public.staff_members. A token that
// fails verification is logged with the reason only, never the token.
import { createClient, type JWK } from "@supabase/supabase-js";
import type { Sql } from "../database.ts";
import { redactSecrets } from "../redact.ts";

export interface StaffCheck {
  sql: Sql;
  supabaseUrl?: string;
  /** The key presented to Auth: the publishable key, else the legacy anon key. */
  supabaseKey?: string;
  /** Every API key the platform gave the functions: one sent as Bearer names no user. */
  apiKeys?: readonly string[];
  /** SUPABASE_JWKS: a token whose kid is listed is verified without a request. */
  jwks?: { keys: JWK[] };
  /** Where a refused token is reported (default console.warn). */
  log?: (line: string) => void;
}

type Verification =
  | { ok: true; userId: string; aal: string | null }
  | { ok: false; reason: string };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const jwtLike = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const clients = new Map<string, ReturnType<typeof createClient>["auth"]>();

/** One Auth client per project and key: supabase-js keeps the fetched JWKS across calls. */
function authClient(url: string, key: string) {
  const id = `${url}\n${key}`;
  let auth = clients.get(id);
  if (!auth) {
    auth = createClient(url, key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    }).auth;
    clients.set(id, auth);
  }
  return auth;
}

/** A reason fit for a log: no token, nothing token-shaped, one short line. */
function redactedReason(text: string, token: string): string {
  const line = redactSecrets(text, [token]).replace(jwtLike, "[token]").replace(/\s+/g, " ");
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function verify(token: string, check: StaffCheck): Promise<Verification> {
  try {
    const auth = authClient(check.supabaseUrl!, check.supabaseKey!);
    const { data, error } = await auth.getClaims(token, check.jwks ? { jwks: check.jwks } : {});
    if (error) return { ok: false, reason: error.message || error.name };
    const sub = data?.claims.sub;
    if (typeof sub !== "string" || !uuid.test(sub)) {
      return { ok: false, reason: "the token names no user (sub is not a UUID)" };
    }
    const aal = data?.claims.aal;
    return { ok: true, userId: sub, aal: typeof aal === "string" ? aal : null };
  } catch (error) {
    // supabase-js throws (rather than returns) for an unusable alg or key.
    return { ok: false, reason: error instanceof Error ? error.message || error.name : "failed" };
  }
}

/** The staff member's user id, or null (not verified, or not on the staff list). */
export async function staffUserId(token: string, check: StaffCheck): Promise<string | null> {
  const log = check.log ?? console.warn;
  // An API key sent as Bearer (supabase-js does that without a session) is not a sign-in.
  if (token.startsWith("sb_") || check.apiKeys?.includes(token)) return null;
  if (!check.supabaseUrl || !check.supabaseKey) {
    log(
      "A staff sign-in was not checked: SUPABASE_URL and a publishable " +
        "(SUPABASE_PUBLISHABLE_KEYS) or anon (SUPABASE_ANON_KEY) key are needed",
    );
    return null;
  }
  const verification = await verify(token, check);
  if (!verification.ok) {
    log(`A staff sign-in was refused: ${redactedReason(verification.reason, token)}`);
    return null;
  }
  // The same rule as public.is_staff(): with the policy's require_aal2 on, only a session that
  // verified a second factor counts as staff, here as in every RLS policy.
  const [row] = await check.sql<{ staff: boolean; needs_aal2: boolean }[]>`
    select
      exists (
        select 1 from public.staff_members where user_id = ${verification.userId}::uuid
      ) as staff,
      coalesce((select require_aal2 from public.staff_sign_in_policy), false) as needs_aal2`;
  if (!row.staff) return null;
  if (row.needs_aal2 && verification.aal !== "aal2") {
    log("A staff sign-in was refused: the sign-in policy requires a second factor (aal2)");
    return null;
  }
  return verification.userId;
}
