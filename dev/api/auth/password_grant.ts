// DEVELOPMENT ONLY: POST /auth/v1/token?grant_type=password — checks the bcrypt password GoTrue
// stores in auth.users and opens a new session with its first refresh token.
import { json } from "./gateway.ts";
import { AuthError } from "./auth_error.ts";
import { readJson } from "./request.ts";
import { type AuthConfig, issueSession, randomToken } from "./tokens.ts";
import { assertUsable, loadUser } from "./user_record.ts";

export async function passwordGrant(config: AuthConfig, req: Request): Promise<Response> {
  const { sql } = config;
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
  const user = await loadUser(sql, match.id);
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
  return json(await issueSession(config, (await loadUser(sql, user.id))!, sessionId, token));
}
