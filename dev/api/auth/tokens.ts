// DEVELOPMENT ONLY: the local auth stand-in's tokens: GoTrue-shaped sessions (an access token
// signed as the key mode says: ES256 with this checkout's signing key, or HS256 with its legacy
// secret; plus an opaque refresh token) and the check of a presented access token.
import type { Sql } from "postgres";
import { type JwtClaims, verifyWithKeys } from "../jwt.ts";
import { type ProjectKeys, signUserToken, tokenVerificationKeys } from "../key_mode.ts";
import { AuthError } from "./auth_error.ts";
import { isApiKeyBearer } from "./gateway.ts";
import { bearer } from "./request.ts";
import { sessionAssurance } from "./session_assurance.ts";
import { assertUsable, loadUser, userJson, type UserRow } from "./user_record.ts";

/** What every route of the stand-in needs: the database and how to sign tokens. */
export interface AuthConfig {
  sql: Sql;
  project: ProjectKeys;
  expirySeconds: number;
  issuer: string;
}

export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The token endpoint's reply: a fresh access token for the session and the given refresh token. */
export async function issueSession(
  config: AuthConfig,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
) {
  const now = Math.floor(Date.now() / 1000);
  const expiry = config.expirySeconds;
  const { aal, amr } = await sessionAssurance(config.sql, sessionId);
  const claims: JwtClaims = {
    iss: config.issuer,
    sub: user.id,
    aud: "authenticated",
    exp: now + expiry,
    iat: now,
    email: user.email,
    phone: "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: "authenticated",
    aal,
    amr,
    session_id: sessionId,
    is_anonymous: false,
  };
  return {
    access_token: await signUserToken(config.project.mode, config.project.keys, claims),
    token_type: "bearer",
    expires_in: expiry,
    expires_at: now + expiry,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

async function verifiedClaims(req: Request, project: ProjectKeys): Promise<JwtClaims> {
  const token = bearer(req);
  // The gateway replaces an sb_ key with its role's token, which names no user.
  if (isApiKeyBearer(token)) {
    throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
  }
  try {
    return await verifyWithKeys(token, await tokenVerificationKeys(project.mode, project.keys));
  } catch (error) {
    if (error instanceof AuthError) throw error;
    const reason = error instanceof Error ? error.message : "invalid token";
    throw new AuthError(
      403,
      "bad_jwt",
      `invalid JWT: unable to parse or verify signature, ${reason}`,
    );
  }
}

/** Verifies the Bearer token and that its session still exists (GoTrue does both). */
export async function authenticate(
  config: AuthConfig,
  req: Request,
): Promise<{ claims: JwtClaims; user: UserRow }> {
  const claims = await verifiedClaims(req, config.project);
  if (typeof claims.sub !== "string" || !/^[0-9a-f-]{36}$/i.test(claims.sub)) {
    throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
  }
  if (typeof claims.session_id === "string") {
    if (!/^[0-9a-f-]{36}$/i.test(claims.session_id)) {
      throw new AuthError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID");
    }
    const [session] = await config.sql`
      select 1 from auth.sessions where id = ${claims.session_id}`;
    if (!session) {
      throw new AuthError(
        403,
        "session_not_found",
        "Session from session_id claim in JWT does not exist",
      );
    }
  }
  const user = await loadUser(config.sql, claims.sub);
  assertUsable(user);
  return { claims, user };
}
