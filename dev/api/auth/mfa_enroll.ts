// DEVELOPMENT ONLY: enrolling and unenrolling TOTP factors the way GoTrue does: unverified
// factors expire after five minutes, friendly names are unique per user, at most ten factors,
// and a user who already has a verified factor must be at aal2 to add or remove one.
import { json } from "./gateway.ts";
import { AuthError } from "./auth_error.ts";
import type { FactorRow, MfaCaller } from "./mfa_routes.ts";
import { readJson } from "./request.ts";
import type { AuthConfig } from "./tokens.ts";
import { newTotpSecret, totpUri } from "./totp.ts";

/** GoTrue's MFA_FACTOR_EXPIRY_DURATION and MFA_MAX_ENROLLED_FACTORS defaults. */
const unverifiedFactorExpirySeconds = 300;
const maxFactors = 10;

function rejectOtherFactorTypes(factorType: unknown): void {
  if (factorType === "totp") return;
  if (factorType === "phone") {
    throw new AuthError(422, "mfa_phone_enroll_not_enabled", "MFA enroll is disabled for Phone");
  }
  if (factorType === "webauthn") {
    throw new AuthError(
      422,
      "mfa_webauthn_enroll_not_enabled",
      "MFA enroll is disabled for WebAuthn",
    );
  }
  throw new AuthError(400, "validation_failed", "factor_type needs to be totp, phone, or webauthn");
}

async function checkRoomForFactor(config: AuthConfig, caller: MfaCaller, name: string) {
  await config.sql`
    delete from auth.mfa_factors where user_id = ${caller.user.id} and status = 'unverified'
      and created_at < now() - make_interval(secs => ${unverifiedFactorExpirySeconds})`;
  const factors = await config.sql<{ friendly_name: string | null; status: string }[]>`
    select friendly_name, status from auth.mfa_factors where user_id = ${caller.user.id}`;
  if (factors.some((f) => (f.friendly_name ?? "") === name)) {
    throw new AuthError(
      422,
      "mfa_factor_name_conflict",
      `A factor with the friendly name ${JSON.stringify(name)} for this user already exists`,
    );
  }
  if (factors.length >= maxFactors) {
    throw new AuthError(
      422,
      "too_many_enrolled_mfa_factors",
      "Maximum number of verified factors reached, unenroll to continue",
    );
  }
  if (factors.some((f) => f.status === "verified") && caller.sessionAal !== "aal2") {
    throw new AuthError(403, "insufficient_aal", "AAL2 required to enroll a new factor");
  }
}

/** A placeholder image: the stand-in draws no QR code, the secret below it is typed instead. */
function placeholderSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40">` +
    `<text x="4" y="24" font-size="11">local stand-in: type the secret</text></svg>`;
}

export async function enrollFactor(
  config: AuthConfig,
  req: Request,
  caller: MfaCaller,
): Promise<Response> {
  const body = await readJson(req);
  rejectOtherFactorTypes(body.factor_type);
  const name = typeof body.friendly_name === "string" ? body.friendly_name : "";
  const issuer = typeof body.issuer === "string" && body.issuer
    ? body.issuer
    : new URL(config.issuer).hostname;
  await checkRoomForFactor(config, caller, name);
  const id = crypto.randomUUID();
  const secret = newTotpSecret();
  await config.sql`
    insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, secret)
    values (${id}, ${caller.user.id}, ${name}, 'totp', 'unverified', ${secret})`;
  return json({
    id,
    type: "totp",
    friendly_name: name,
    totp: { qr_code: placeholderSvg(), secret, uri: totpUri(secret, issuer, caller.user.email) },
  });
}

export async function unenrollFactor(
  config: AuthConfig,
  caller: MfaCaller,
  factor: FactorRow,
): Promise<Response> {
  if (factor.status === "verified" && caller.sessionAal !== "aal2") {
    throw new AuthError(422, "insufficient_aal", "AAL2 required to unenroll verified factor");
  }
  await config.sql.begin(async (tx) => {
    // Sessions that reached aal2 with this factor fall back to aal1, as in GoTrue.
    await tx`
      delete from auth.mfa_amr_claims where authentication_method = 'totp'
        and session_id in (select id from auth.sessions where factor_id = ${factor.id})`;
    await tx`
      update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now()
      where factor_id = ${factor.id}`;
    await tx`delete from auth.mfa_factors where id = ${factor.id}`;
  });
  return json({ id: factor.id });
}
