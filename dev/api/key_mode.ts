// DEVELOPMENT ONLY: which keys the local stack uses, like a hosted project at one of the three
// stages of Supabase's move to the new API keys (LOCAL_API_KEYS):
//   legacy  the anon / service-role JWTs only; user tokens HS256 with the legacy secret.
//   both    legacy and new API keys; user tokens ES256 (signing keys), HS256 still verified.
//   new     publishable / secret keys only (legacy API keys disabled, the legacy secret
//           revoked); user tokens ES256 only.
import type { JwtClaims, JwtVerificationKeys } from "./jwt.ts";
import { signEs256Jwt, signJwt, unverifiedClaims } from "./jwt.ts";
import type { LocalKeys, PublicJwk } from "./local_keys.ts";

export const keyModes = ["new", "legacy", "both"] as const;
export type KeyMode = typeof keyModes[number];

/** LOCAL_API_KEYS: new, legacy or both (default both, as a project before the switch). */
export function keyModeFrom(value: string | undefined): KeyMode {
  const mode = value?.trim() || "both";
  if ((keyModes as readonly string[]).includes(mode)) return mode as KeyMode;
  throw new Error(`LOCAL_API_KEYS must be one of ${keyModes.join(", ")}`);
}

/** What the local API gateway and the stand-ins behind it know: the mode and this checkout's keys. */
export interface ProjectKeys {
  mode: KeyMode;
  keys: LocalKeys;
}

export type ApiKeyCheck = { ok: true; claims: JwtClaims } | { ok: false; message: string };

/**
 * The role an `apikey` stands for, as the API gateway decides it: only this checkout's keys
 * are known, legacy ones refused once disabled, and an sb_ key is a key, never a JWT.
 */
export function apiKeyClaims(mode: KeyMode, keys: LocalKeys, key: string): ApiKeyCheck {
  const newKeys = mode !== "legacy";
  const legacyKeys = mode !== "new";
  if (newKeys && key === keys.publishableKey) return { ok: true, claims: { role: "anon" } };
  if (newKeys && key === keys.secretKey) return { ok: true, claims: { role: "service_role" } };
  if (key === keys.anonKey || key === keys.serviceRoleKey) {
    if (legacyKeys) return { ok: true, claims: unverifiedClaims(key) };
    return { ok: false, message: "Legacy API keys are disabled" };
  }
  return { ok: false, message: "Invalid API key" };
}

const publicKeys = new WeakMap<LocalKeys, Promise<CryptoKey>>();

function publicKeyOf(keys: LocalKeys): Promise<CryptoKey> {
  let key = publicKeys.get(keys);
  if (!key) {
    key = crypto.subtle.importKey(
      "jwk",
      keys.signingKey.publicJwk,
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    publicKeys.set(keys, key);
  }
  return key;
}

/** The keys a user token (or a legacy key sent as Bearer) is verified with. */
export async function tokenVerificationKeys(
  mode: KeyMode,
  keys: LocalKeys,
): Promise<JwtVerificationKeys> {
  const es256 = new Map([[keys.signingKey.kid, await publicKeyOf(keys)]]);
  if (mode === "legacy") return { hs256Secret: keys.legacyJwtSecret };
  if (mode === "new") return { es256 };
  return { es256, hs256Secret: keys.legacyJwtSecret };
}

/** A user's access token, signed as the project of this mode signs it. */
export function signUserToken(mode: KeyMode, keys: LocalKeys, claims: JwtClaims): Promise<string> {
  if (mode === "legacy") return signJwt(claims, keys.legacyJwtSecret);
  return signEs256Jwt(claims, keys.signingKey);
}

/** GoTrue's `/.well-known/jwks.json`: the public signing keys, never the HS256 secret. */
export function jwksOf(mode: KeyMode, keys: LocalKeys): { keys: PublicJwk[] } {
  return { keys: mode === "legacy" ? [] : [keys.signingKey.publicJwk] };
}

/**
 * The key variables the platform gives every function. After the switch the legacy variables
 * may still be set while the gateway refuses those keys (supabase#37648), so "new" keeps them.
 */
export function functionsKeyEnv(mode: KeyMode, keys: LocalKeys): Record<string, string> {
  const legacy = {
    SUPABASE_ANON_KEY: keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
  };
  if (mode === "legacy") return legacy;
  return {
    ...legacy,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secretKey }),
    SUPABASE_JWKS: JSON.stringify(jwksOf(mode, keys)),
  };
}

/** The public key a browser (the dashboard) should be given in this mode. */
export function browserKeyOf(mode: KeyMode, keys: LocalKeys): string {
  return mode === "legacy" ? keys.anonKey : keys.publishableKey;
}
