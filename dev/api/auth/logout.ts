// DEVELOPMENT ONLY: POST /auth/v1/logout — ends this session, the user's other sessions, or all
// of them (GoTrue's `scope`), which also deletes their refresh tokens.
import { AuthError } from "./auth_error.ts";
import { type AuthConfig, authenticate } from "./tokens.ts";

export async function logout(config: AuthConfig, req: Request): Promise<Response> {
  const { sql } = config;
  const { claims, user } = await authenticate(config, req);
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
  return new Response(null, { status: 204 });
}
