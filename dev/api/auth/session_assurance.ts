// DEVELOPMENT ONLY: a session's authenticator assurance level and methods, as GoTrue puts them
// in the `aal` and `amr` claims: aal1 and [password] after a password sign-in, aal2 and
// [totp, password] once a TOTP factor was verified in that session (mfa_verify.ts).
import type { Sql } from "postgres";

export interface SessionAssurance {
  aal: "aal1" | "aal2";
  amr: { method: string; timestamp: number }[];
}

export async function sessionAssurance(sql: Sql, sessionId: string): Promise<SessionAssurance> {
  const [session] = await sql<{ aal: string | null; created_at: Date }[]>`
    select aal, created_at from auth.sessions where id = ${sessionId}`;
  const claims = await sql<{ authentication_method: string; updated_at: Date }[]>`
    select authentication_method, updated_at from auth.mfa_amr_claims
    where session_id = ${sessionId}
    order by updated_at desc`;
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const amr = claims.length > 0
    ? claims.map((c) => ({ method: c.authentication_method, timestamp: seconds(c.updated_at) }))
    : [{ method: "password", timestamp: seconds(session?.created_at ?? new Date()) }];
  return { aal: session?.aal === "aal2" ? "aal2" : "aal1", amr };
}
