// Who is calling: the scheduler or an operator (x-sync-secret), a signed-in staff member
// (Supabase Auth JWT whose user is on the staff list), or nobody we trust.
import { createClient } from "@supabase/supabase-js";
import type { Sql } from "../database.ts";
import { secretMatches } from "./sync_secret.ts";

export type Caller =
  | { kind: "operator" }
  | { kind: "staff"; userId: string }
  | { kind: "anonymous" };

export interface CallerCheck {
  sql: Sql;
  syncSecret: string;
  supabaseUrl?: string;
  supabaseAnonKey?: string;
}

function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization") ?? "";
  const match = header.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

/** Asks Supabase Auth who the token belongs to, then checks the staff allow-list. */
async function staffUserId(token: string, check: CallerCheck): Promise<string | null> {
  if (!check.supabaseUrl || !check.supabaseAnonKey) return null;
  // API keys are not user tokens; only a JWT can identify a staff member.
  if (token.split(".").length !== 3) return null;
  const auth = createClient(check.supabaseUrl, check.supabaseAnonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  }).auth;
  const { data, error } = await auth.getUser(token);
  if (error || !data.user) return null;
  const [row] = await check.sql<{ staff: boolean }[]>`
    select exists (select 1 from public.staff_members where user_id = ${data.user.id}::uuid)
      as staff`;
  return row.staff ? data.user.id : null;
}

export async function identifyCaller(req: Request, check: CallerCheck): Promise<Caller> {
  if (await secretMatches(req.headers.get("x-sync-secret"), check.syncSecret)) {
    return { kind: "operator" };
  }
  const token = bearerToken(req);
  if (token) {
    const userId = await staffUserId(token, check).catch(() => null);
    if (userId) return { kind: "staff", userId };
  }
  return { kind: "anonymous" };
}
