// DEVELOPMENT ONLY: a stand-in for the small part of GoTrue (Supabase Auth) the dashboard and
// the functions use: password sign-in, refresh-token rotation, the current user, sign-out, and
// TOTP factors (enroll, challenge, verify, unenroll) for an aal2 requirement.
// Production uses Supabase's own Auth service; this exists because the local stack has none.
// Shapes follow GoTrue so supabase-js works unchanged. Sign-ups are disabled, as they must be
// on the hosted project. This file routes requests; each route lives in its own file.
import type { Sql } from "postgres";
import { jwksOf, type ProjectKeys } from "../key_mode.ts";
import { localKeys } from "../local_keys.ts";
import { checkApiKey, json } from "./gateway.ts";
import { AuthError, errorResponse } from "./auth_error.ts";
import { logout } from "./logout.ts";
import { mfaRoute } from "./mfa_routes.ts";
import { passwordGrant } from "./password_grant.ts";
import { refreshGrant } from "./refresh_grant.ts";
import { ensureLocalAuthSchema } from "./schema.ts";
import { type AuthConfig, authenticate } from "./tokens.ts";
import { userJson } from "./user_record.ts";

export interface AuthHandlerOptions {
  /** postgres.js logged in as `supabase_auth_admin`, GoTrue's own database role. */
  sql: Sql;
  /** The key mode and keys (default: this checkout's keys, mode "both"). */
  project?: ProjectKeys;
  /** Access-token lifetime; GoTrue's default is 3600 s. */
  jwtExpirySeconds?: number;
  /** `iss` of issued tokens. */
  issuer?: string;
}

const health = { version: "local-stand-in", name: "GoTrue", description: "local dev only" };

/** GoTrue's public settings: email sign-in only, sign-ups off. */
const settings = {
  external: { email: true, phone: false },
  disable_signup: true,
  mailer_autoconfirm: false,
  phone_autoconfirm: false,
  sms_provider: "",
  saml_enabled: false,
};

function token(config: AuthConfig, req: Request, url: URL): Promise<Response> {
  const grant = url.searchParams.get("grant_type");
  if (grant === "password") return passwordGrant(config, req);
  if (grant === "refresh_token") return refreshGrant(config, req);
  throw new AuthError(400, "validation_failed", "unsupported_grant_type");
}

async function route(config: AuthConfig, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.replace(/^\/auth\/v1/, "").replace(/\/+$/, "") || "/";
  if (req.method === "GET" && path === "/health") return json(health);
  if (req.method === "GET" && path === "/settings") return json(settings);
  if (req.method === "POST" && path === "/token") return await token(config, req, url);
  if (req.method === "GET" && path === "/user") {
    return json(userJson((await authenticate(config, req)).user));
  }
  if (req.method === "POST" && path === "/logout") return await logout(config, req);
  const mfa = await mfaRoute(config, req, path);
  if (mfa) return mfa;
  if (req.method === "POST" && path === "/signup") {
    throw new AuthError(422, "signup_disabled", "Signups not allowed for this instance");
  }
  throw new AuthError(
    404,
    "not_found",
    "Not found (the local auth stand-in serves only " +
      "/token, /user, /logout, /factors, /settings, /health and /.well-known/jwks.json)",
  );
}

export function createAuthHandler(
  options: AuthHandlerOptions,
): (req: Request) => Promise<Response> {
  const config: AuthConfig = {
    sql: options.sql,
    project: options.project ?? { mode: "both", keys: localKeys },
    expirySeconds: options.jwtExpirySeconds ?? 3600,
    issuer: options.issuer ?? "http://127.0.0.1:54321/auth/v1",
  };
  return async (req: Request): Promise<Response> => {
    // The signing keys are public: hosted serves them without an apikey, cached at the edge.
    if (req.method === "GET" && new URL(req.url).pathname === "/auth/v1/.well-known/jwks.json") {
      return json(jwksOf(config.project.mode, config.project.keys), 200, {
        "cache-control": "public, max-age=600",
      });
    }
    const key = checkApiKey(req, config.project);
    if (!key.ok) return key.response;
    try {
      await ensureLocalAuthSchema(config.sql);
      return await route(config, req);
    } catch (error) {
      if (error instanceof AuthError) return errorResponse(req, error);
      console.error("local auth stand-in:", error);
      return errorResponse(req, new AuthError(500, "unexpected_failure", "Unexpected failure"));
    }
  };
}
