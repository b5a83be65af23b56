// DEVELOPMENT ONLY: POST /auth/v1/token?grant_type=refresh_token — rotates refresh tokens the way
// GoTrue does: each use revokes the token and issues a child; a just-revoked token yields its
// child again (concurrent tabs); an older revoked token ends the whole session.
import type { TransactionSql } from "postgres";
import { json } from "./gateway.ts";
import { AuthError } from "./auth_error.ts";
import { readJson } from "./request.ts";
import { type AuthConfig, issueSession, randomToken } from "./tokens.ts";
import { assertUsable, loadUser } from "./user_record.ts";

/** GoTrue reuses a just-rotated refresh token for this long (concurrent tabs). */
const refreshReuseIntervalSeconds = 10;

type Rotation = { userId: string; sessionId: string; token: string } | { reused: true };

interface RefreshTokenRow {
  id: string;
  user_id: string;
  session_id: string;
  revoked: boolean;
  updated_at: Date;
}

/** A revoked token: its live child within the reuse interval, else the session ends. */
async function reuseRevoked(
  tx: TransactionSql,
  row: RefreshTokenRow,
  presented: string,
): Promise<Rotation> {
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

async function rotate(tx: TransactionSql, presented: string): Promise<Rotation> {
  const [row] = await tx<RefreshTokenRow[]>`
    select id, user_id, session_id, revoked, updated_at from auth.refresh_tokens
    where token = ${presented} for update`;
  if (!row) {
    throw new AuthError(
      400,
      "refresh_token_not_found",
      "Invalid Refresh Token: Refresh Token Not Found",
    );
  }
  if (row.revoked) return await reuseRevoked(tx, row, presented);
  const token = randomToken();
  await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${row.id}`;
  await tx`
    insert into auth.refresh_tokens (token, user_id, session_id, parent)
    values (${token}, ${row.user_id}, ${row.session_id}, ${presented})`;
  await tx`
    update auth.sessions set updated_at = now(), refreshed_at = now()
    where id = ${row.session_id}`;
  return { userId: row.user_id, sessionId: row.session_id, token };
}

export async function refreshGrant(config: AuthConfig, req: Request): Promise<Response> {
  const body = await readJson(req);
  const presented = typeof body.refresh_token === "string" ? body.refresh_token : "";
  if (!presented) throw new AuthError(400, "validation_failed", "Refresh Token is missing");
  const outcome = await config.sql.begin((tx) => rotate(tx, presented));
  if ("reused" in outcome) {
    throw new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
  }
  const user = await loadUser(config.sql, outcome.userId);
  assertUsable(user);
  return json(await issueSession(config, user, outcome.sessionId, outcome.token));
}
