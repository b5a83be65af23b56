// DEVELOPMENT ONLY: challenging and verifying a TOTP factor as GoTrue does. A challenge lives
// five minutes and is good for one verification; a wrong code, an expired or a used challenge
// is refused. A right code verifies the factor, raises the session to aal2 (amr: totp), ends
// the user's other aal1 sessions, drops leftover unverified factors and swaps the refresh token.
import type { TransactionSql } from "postgres";
import { json } from "./gateway.ts";
import { AuthError } from "./auth_error.ts";
import type { FactorRow, MfaCaller } from "./mfa_routes.ts";
import { readJson } from "./request.ts";
import { type AuthConfig, issueSession, randomToken } from "./tokens.ts";
import { totpCodeMatches } from "./totp.ts";
import { loadUser } from "./user_record.ts";

/** GoTrue's MFA_CHALLENGE_EXPIRY_DURATION default. */
export const challengeExpirySeconds = 300;

export async function challengeFactor(config: AuthConfig, factor: FactorRow): Promise<Response> {
  const id = crypto.randomUUID();
  const [challenge] = await config.sql.begin(async (tx) => {
    await tx`update auth.mfa_factors set last_challenged_at = now() where id = ${factor.id}`;
    return await tx<{ expires_at: number }[]>`
      insert into auth.mfa_challenges (id, factor_id) values (${id}, ${factor.id})
      returning extract(epoch from created_at)::bigint + ${challengeExpirySeconds} as expires_at`;
  });
  return json({ id, type: "totp", expires_at: Number(challenge.expires_at) });
}

async function usableChallenge(tx: TransactionSql, factor: FactorRow, challengeId: string) {
  const [challenge] = await tx<{ id: string; verified_at: Date | null; expired: boolean }[]>`
    select id, verified_at,
      created_at < now() - make_interval(secs => ${challengeExpirySeconds}) as expired
    from auth.mfa_challenges where id = ${challengeId} and factor_id = ${factor.id}
    for update`;
  if (!challenge) {
    throw new AuthError(
      422,
      "mfa_factor_not_found",
      "MFA factor with the provided challenge ID not found",
    );
  }
  // GoTrue answers a used challenge with its IP-mismatch error.
  if (challenge.verified_at) {
    throw new AuthError(
      422,
      "mfa_ip_address_mismatch",
      "Challenge and verify IP addresses mismatch.",
    );
  }
  if (challenge.expired) {
    await tx`delete from auth.mfa_challenges where id = ${challenge.id}`;
    throw new AuthError(
      422,
      "mfa_challenge_expired",
      `MFA challenge ${challenge.id} has expired, verify against another challenge or create ` +
        "a new challenge.",
    );
  }
}

/** Marks everything a right code changes; returns the session's new refresh token. */
async function raiseSession(tx: TransactionSql, caller: MfaCaller, factor: FactorRow) {
  const { sessionId } = caller;
  const userId = caller.user.id;
  await tx`update auth.mfa_factors set status = 'verified', updated_at = now()
    where id = ${factor.id}`;
  await tx`
    insert into auth.mfa_amr_claims (session_id, authentication_method, created_at, updated_at)
    select id, 'password', created_at, created_at from auth.sessions where id = ${sessionId}
    on conflict (session_id, authentication_method) do nothing`;
  await tx`
    insert into auth.mfa_amr_claims (session_id, authentication_method) values (${sessionId}, 'totp')
    on conflict (session_id, authentication_method) do update set updated_at = now()`;
  await tx`update auth.sessions set aal = 'aal2', factor_id = ${factor.id}, updated_at = now()
    where id = ${sessionId}`;
  await tx`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}
    and coalesce(aal, 'aal1') <> 'aal2'`;
  await tx`delete from auth.mfa_factors where user_id = ${userId} and status = 'unverified'
    and factor_type = 'totp'`;
  // The aal1 refresh token must not yield aal2 sessions later: swap it for a new one.
  const [current] = await tx<{ token: string }[]>`
    update auth.refresh_tokens set revoked = true, updated_at = now()
    where session_id = ${sessionId} and revoked = false returning token`;
  const token = randomToken();
  await tx`insert into auth.refresh_tokens (token, user_id, session_id, parent)
    values (${token}, ${userId}, ${sessionId}, ${current?.token ?? null})`;
  return token;
}

export async function verifyFactor(
  config: AuthConfig,
  req: Request,
  caller: MfaCaller,
  factor: FactorRow,
): Promise<Response> {
  const body = await readJson(req);
  const code = typeof body.code === "string" ? body.code : "";
  if (!code) throw new AuthError(400, "validation_failed", "Code needs to be non-empty");
  const challengeId = typeof body.challenge_id === "string" ? body.challenge_id : "";
  if (!/^[0-9a-f-]{36}$/i.test(challengeId)) {
    throw new AuthError(400, "bad_json", "Could not parse request body as JSON");
  }
  const token = await config.sql.begin(async (tx) => {
    await usableChallenge(tx, factor, challengeId);
    if (!(await totpCodeMatches(factor.secret, code))) return null;
    await tx`update auth.mfa_challenges set verified_at = now() where id = ${challengeId}`;
    return await raiseSession(tx, caller, factor);
  });
  if (token === null) {
    throw new AuthError(422, "mfa_verification_failed", "Invalid TOTP code entered");
  }
  const user = (await loadUser(config.sql, caller.user.id))!;
  return json(await issueSession(config, user, caller.sessionId, token));
}
