// DEVELOPMENT ONLY: a stand-in for the small part of GoTrue (Supabase Auth) the dashboard and
// the functions use: password sign-in, refresh-token rotation, the current user, and sign-out.
// Production uses Supabase's own Auth service; this exists because the local stack has none.
// Shapes follow GoTrue so supabase-js works unchanged. Sign-ups are disabled, as they must be
// on the hosted project.
import type { Sql } from "postgres";
import { checkApiKey, corsHeaders, json, preflight } from "./gateway.ts";
import { type JwtClaims, signJwt, verifyJwt } from "../local_keys.ts";
import { ensureLocalAuthSchema } from "./schema.ts";

export interface AuthHandlerOptions {
  /** postgres.js connected as `postgres` (the stand-in plays GoTrue's own database role). */
  sql: Sql;
  jwtSecret: string;
  /** Access-token lifetime; GoTrue's default is 3600 s. */
  jwtExpirySeconds?: number;
  /** `iss` of issued tokens. */
  issuer?: string;
}

interface UserRow {
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
}

/** GoTrue reuses a just-rotated refresh token for this long (concurrent tabs). */
const refreshReuseIntervalSeconds = 10;
const apiVersion = "2024-01-01";

class AuthError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** GoTrue's two error shapes: the dated API version (supabase-js sends it) and the legacy one. */
function errorResponse(req: Request, error: AuthError): Response {
  if (req.headers.get("x-supabase-api-version")) {
    return json({ code: error.code, message: error.message }, error.status, {
      "x-supabase-api-version": apiVersion,
    });
  }
  return json({ code: error.status, error_code: error.code, msg: error.message }, error.status);
}

function iso(date: Date | null): string | undefined {
  return date ? date.toISOString() : undefined;
}

function userJson(user: UserRow) {
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
  };
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function readJson(req: Request): Promise<Record<string, unknown>> {
  try {
    const body = await req.json();
    if (body && typeof body === "object" && !Array.isArray(body)) return body;
  } catch {
    // fall through
  }
  throw new AuthError(400, "bad_json", "Could not parse request body as JSON");
}

function bearer(req: Request): string {
  const header = req.headers.get("authorization") ?? "";
  const match = header.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new AuthError(401, "no_authorization", "This endpoint requires a Bearer token");
  return match[1];
}

export function createAuthHandler(
  options: AuthHandlerOptions,
): (req: Request) => Promise<Response> {
  const { sql, jwtSecret } = options;
  const expiry = options.jwtExpirySeconds ?? 3600;
  const issuer = options.issuer ?? "http://127.0.0.1:54321/auth/v1";

  const userColumns = sql`
    id, aud, role, email, email_confirmed_at, last_sign_in_at, raw_app_meta_data,
    raw_user_meta_data, created_at, updated_at, banned_until, is_anonymous`;

  async function loadUser(id: string): Promise<UserRow | undefined> {
    const [row] = await sql<UserRow[]>`
      select ${userColumns} from auth.users where id = ${id} and deleted_at is null`;
    return row;
  }

  async function issueSession(user: UserRow, sessionId: string, refreshToken: string) {
    const now = Math.floor(Date.now() / 1000);
    const claims: JwtClaims = {
      iss: issuer,
      sub: user.id,
      aud: "authenticated",
      exp: now + expiry,
      iat: now,
      email: user.email,
      phone: "",
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    };
    return {
      access_token: await signJwt(claims, jwtSecret),
      token_type: "bearer",
      expires_in: expiry,
      expires_at: now + expiry,
      refresh_token: refreshToken,
      user: userJson(user),
    };
  }

  function assertUsable(user: UserRow | undefined): asserts user is UserRow {
    if (!user) {
      throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
    }
    if (user.banned_until && user.banned_until.getTime() > Date.now()) {
      throw new AuthError(400, "user_banned", "User is banned");
    }
  }

  async function passwordGrant(req: Request): Promise<Response> {
    const body = await readJson(req);
    const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
    const password = typeof body.password === "string" ? body.password : "";
    if (!email || !password) {
      throw new AuthError(400, "validation_failed", "missing email or phone");
    }
    const [match] = await sql<{ id: string }[]>`
      select id from auth.users
      where email = ${email} and deleted_at is null and is_anonymous = false
        and encrypted_password is not null and encrypted_password <> ''
        and encrypted_password = extensions.crypt(${password}, encrypted_password)`;
    if (!match) throw new AuthError(400, "invalid_credentials", "Invalid login credentials");
    const user = await loadUser(match.id);
    assertUsable(user);
    if (!user.email_confirmed_at) {
      throw new AuthError(400, "email_not_confirmed", "Email not confirmed");
    }
    const sessionId = crypto.randomUUID();
    const token = randomToken();
    await sql.begin(async (tx) => {
      await tx`
        insert into auth.sessions (id, user_id, user_agent)
        values (${sessionId}, ${user.id}, ${req.headers.get("user-agent")})`;
      await tx`
        insert into auth.refresh_tokens (token, user_id, session_id)
        values (${token}, ${user.id}, ${sessionId})`;
      await tx`update auth.users set last_sign_in_at = now() where id = ${user.id}`;
    });
    return json(await issueSession((await loadUser(user.id))!, sessionId, token));
  }

  async function refreshGrant(req: Request): Promise<Response> {
    const body = await readJson(req);
    const presented = typeof body.refresh_token === "string" ? body.refresh_token : "";
    if (!presented) throw new AuthError(400, "validation_failed", "Refresh Token is missing");
    const outcome = await sql.begin(async (tx) => {
      const [row] = await tx<
        { id: string; user_id: string; session_id: string; revoked: boolean; updated_at: Date }[]
      >`
        select id, user_id, session_id, revoked, updated_at from auth.refresh_tokens
        where token = ${presented} for update`;
      if (!row) {
        throw new AuthError(
          400,
          "refresh_token_not_found",
          "Invalid Refresh Token: Refresh Token Not Found",
        );
      }
      if (row.revoked) {
        const recent = Date.now() - row.updated_at.getTime() < refreshReuseIntervalSeconds * 1000;
        const [child] = recent
          ? await tx<{ token: string }[]>`
              select token from auth.refresh_tokens
              where parent = ${presented} and revoked = false`
          : [];
        if (child) return { userId: row.user_id, sessionId: row.session_id, token: child.token };
        // Reuse of an old token: assume theft and end the whole session, like GoTrue.
        await tx`delete from auth.sessions where id = ${row.session_id}`;
        return { reused: true } as const;
      }
      const token = randomToken();
      await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
      await tx`
        insert into auth.refresh_tokens (token, user_id, session_id, parent)
        values (${token}, ${row.user_id}, ${row.session_id}, ${presented})`;
      await tx`
        update auth.sessions set updated_at = now(), refreshed_at = now()
        where id = ${row.session_id}`;
      return { userId: row.user_id, sessionId: row.session_id, token };
    });
    if ("reused" in outcome) {
      throw new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
    }
    const user = await loadUser(outcome.userId);
    assertUsable(user);
    return json(await issueSession(user, outcome.sessionId, outcome.token));
  }

  /** Verifies the Bearer token and that its session still exists (GoTrue does both). */
  async function authenticate(req: Request): Promise<{ claims: JwtClaims; user: UserRow }> {
    let claims: JwtClaims;
    try {
      claims = await verifyJwt(bearer(req), jwtSecret);
    } catch (error) {
      if (error instanceof AuthError) throw error;
      const reason = error instanceof Error ? error.message : "invalid token";
      throw new AuthError(
        403,
        "bad_jwt",
        `invalid JWT: unable to parse or verify signature, ${reason}`,
      );
    }
    if (typeof claims.sub !== "string" || !/^[0-9a-f-]{36}$/i.test(claims.sub)) {
      throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
    }
    if (typeof claims.session_id === "string") {
      if (!/^[0-9a-f-]{36}$/i.test(claims.session_id)) {
        throw new AuthError(403, "bad_jwt", "invalid claim: session_id claim must be a UUID");
      }
      const [session] = await sql`select 1 from auth.sessions where id = ${claims.session_id}`;
      if (!session) {
        throw new AuthError(
          403,
          "session_not_found",
          "Session from session_id claim in JWT does not exist",
        );
      }
    }
    const user = await loadUser(claims.sub);
    assertUsable(user);
    return { claims, user };
  }

  async function logout(req: Request): Promise<Response> {
    const { claims, user } = await authenticate(req);
    const scope = new URL(req.url).searchParams.get("scope") ?? "global";
    const sessionId = typeof claims.session_id === "string" ? claims.session_id : null;
    if (scope === "local" && sessionId) {
      await sql`delete from auth.sessions where id = ${sessionId}`;
    } else if (scope === "others" && sessionId) {
      await sql`delete from auth.sessions where user_id = ${user.id} and id <> ${sessionId}`;
    } else if (scope === "global" || !sessionId) {
      await sql`delete from auth.sessions where user_id = ${user.id}`;
    } else {
      throw new AuthError(400, "validation_failed", "Unsupported logout scope");
    }
    return new Response(null, { status: 204, headers: corsHeaders });
  }

  async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/auth\/v1/, "").replace(/\/+$/, "") || "/";
    if (req.method === "GET" && path === "/health") {
      return json({ version: "local-stand-in", name: "GoTrue", description: "local dev only" });
    }
    if (req.method === "GET" && path === "/settings") {
      return json({
        external: { email: true, phone: false },
        disable_signup: true,
        mailer_autoconfirm: false,
        phone_autoconfirm: false,
        sms_provider: "",
        saml_enabled: false,
      });
    }
    if (req.method === "POST" && path === "/token") {
      const grant = url.searchParams.get("grant_type");
      if (grant === "password") return await passwordGrant(req);
      if (grant === "refresh_token") return await refreshGrant(req);
      throw new AuthError(400, "validation_failed", "unsupported_grant_type");
    }
    if (req.method === "GET" && path === "/user") {
      return json(userJson((await authenticate(req)).user));
    }
    if (req.method === "POST" && path === "/logout") return await logout(req);
    if (req.method === "POST" && path === "/signup") {
      throw new AuthError(422, "signup_disabled", "Signups not allowed for this instance");
    }
    throw new AuthError(
      404,
      "not_found",
      "Not found (the local auth stand-in serves only " +
        "/token, /user, /logout, /settings and /health)",
    );
  }

  return async (req: Request): Promise<Response> => {
    if (req.method === "OPTIONS") return preflight();
    const key = await checkApiKey(req, jwtSecret);
    if (!key.ok) return key.response;
    try {
      await ensureLocalAuthSchema(sql);
      return await route(req);
    } catch (error) {
      if (error instanceof AuthError) return errorResponse(req, error);
      console.error("local auth stand-in:", error);
      return errorResponse(req, new AuthError(500, "unexpected_failure", "Unexpected failure"));
    }
  };
}
