// DEVELOPMENT ONLY: GoTrue's MFA routes for TOTP factors — POST /factors (enroll),
// POST /factors/{id}/challenge, POST /factors/{id}/verify and DELETE /factors/{id} — for a
// signed-in user. Shapes and error codes follow supabase/auth internal/api/mfa.go. Not
// reproduced: GoTrue's check that a challenge is verified from the IP address that made it
// (everything here comes from loopback), phone and WebAuthn factors (refused as when disabled).
import { AuthError } from "./auth_error.ts";
import { enrollFactor, unenrollFactor } from "./mfa_enroll.ts";
import { challengeFactor, verifyFactor } from "./mfa_verify.ts";
import { type AuthConfig, authenticate } from "./tokens.ts";
import type { JwtClaims } from "../local_keys.ts";
import type { UserRow } from "./user_record.ts";

export interface FactorRow {
  id: string;
  user_id: string;
  friendly_name: string | null;
  factor_type: string;
  status: "verified" | "unverified";
  secret: string;
}

/** The signed-in caller of an MFA route: their user, token claims and session. */
export interface MfaCaller {
  user: UserRow;
  claims: JwtClaims;
  sessionId: string;
  /** The session's level as stored (GoTrue trusts the session row, not the token's claim). */
  sessionAal: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownedFactor(config: AuthConfig, caller: MfaCaller, id: string) {
  if (!uuidPattern.test(id)) {
    throw new AuthError(404, "validation_failed", "factor_id must be an UUID");
  }
  const [factor] = await config.sql<FactorRow[]>`
    select id, user_id, friendly_name, factor_type, status, secret from auth.mfa_factors
    where id = ${id} and user_id = ${caller.user.id}`;
  if (!factor) throw new AuthError(404, "mfa_factor_not_found", "Factor not found");
  return factor;
}

async function mfaCaller(config: AuthConfig, req: Request): Promise<MfaCaller> {
  const { claims, user } = await authenticate(config, req);
  if (user.is_anonymous) {
    throw new AuthError(
      403,
      "no_authorization",
      "Anonymous user not allowed to perform these actions",
    );
  }
  if (typeof claims.session_id !== "string") {
    throw new AuthError(
      500,
      "unexpected_failure",
      "A valid session and a registered user are required to enroll a factor",
    );
  }
  const [session] = await config.sql<{ aal: string | null }[]>`
    select aal from auth.sessions where id = ${claims.session_id}`;
  return { user, claims, sessionId: claims.session_id, sessionAal: session?.aal ?? "aal1" };
}

/** Answers /factors routes; null for any other path. */
export async function mfaRoute(
  config: AuthConfig,
  req: Request,
  path: string,
): Promise<Response | null> {
  const match = path.match(/^\/factors(?:\/([^/]+)(\/challenge|\/verify)?)?$/);
  if (!match) return null;
  const [, factorId, action] = match;
  if (!factorId) {
    if (req.method !== "POST") return null;
    return await enrollFactor(config, req, await mfaCaller(config, req));
  }
  const caller = await mfaCaller(config, req);
  const factor = await ownedFactor(config, caller, factorId);
  if (req.method === "DELETE" && !action) return await unenrollFactor(config, caller, factor);
  if (req.method === "POST" && action === "/challenge") {
    return await challengeFactor(config, factor);
  }
  if (req.method === "POST" && action === "/verify") {
    return await verifyFactor(config, req, caller, factor);
  }
  return null;
}
