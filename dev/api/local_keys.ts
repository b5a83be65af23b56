// DEVELOPMENT ONLY. The local stack's keys, made once per checkout and kept in the git-ignored
// .local/ folder (never a value published anywhere): a publishable and a secret API key
// (`sb_publishable_…`, `sb_secret_…`), an ES256 key pair that signs user tokens, and the legacy
// HS256 secret with the legacy anon and service-role JWTs it signs. They protect only this
// machine's stack and never reach a hosted project, which has its own.
import { join } from "../path_helpers.ts";
import { stateDir } from "../paths.ts";
import { base64UrlEncode, signJwt } from "./jwt.ts";

export { JwtError, signJwt, unverifiedClaims, verifyJwt } from "./jwt.ts";
export type { JwtClaims } from "./jwt.ts";

/** The local API base URL (the port `supabase start` uses). */
export const localApiUrl = "http://127.0.0.1:54321";

export interface LocalKeys {
  publishableKey: string;
  secretKey: string;
  legacyJwtSecret: string;
  /** Legacy API keys: HS256 JWTs with role `anon` / `service_role`. */
  anonKey: string;
  serviceRoleKey: string;
  /** The user tokens' signing key. */
  signingKey: { kid: string; privateKey: CryptoKey; publicJwk: PublicJwk };
}

/** A JWKS entry: a public JWK with its key id. */
export type PublicJwk = JsonWebKey & { kty: string; kid: string; key_ops: string[] };

interface StoredKeys {
  publishableKey: string;
  secretKey: string;
  legacyJwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  signingKey: { kid: string; privateJwk: JsonWebKey };
}

export const localKeysFile = join(stateDir, "api-keys.json");

function randomText(bytes: number): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function generateKeys(): Promise<StoredKeys> {
  const legacyJwtSecret = randomText(40);
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const iat = Math.floor(Date.now() / 1000);
  const legacy = (role: string) =>
    signJwt({ iss: "supabase-demo", role, iat, exp: iat + 10 * 365 * 86_400 }, legacyJwtSecret);
  return {
    publishableKey: `sb_publishable_${randomText(24)}`,
    secretKey: `sb_secret_${randomText(24)}`,
    legacyJwtSecret,
    anonKey: await legacy("anon"),
    serviceRoleKey: await legacy("service_role"),
    signingKey: { kid: crypto.randomUUID(), privateJwk },
  };
}

/** Creates the file only if no other process did first (link fails on an existing name). */
async function storeOnce(path: string, keys: StoredKeys): Promise<void> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temporary, JSON.stringify(keys, null, 2) + "\n", { mode: 0o600 });
  try {
    await Deno.link(temporary, path);
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  } finally {
    await Deno.remove(temporary);
  }
}

async function readOrCreate(path: string): Promise<StoredKeys> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(stateDir, { recursive: true });
  await storeOnce(path, await generateKeys());
  return JSON.parse(await Deno.readTextFile(path));
}

/** The public half of the signing key as GoTrue's JWKS lists it. */
function publicJwkOf(kid: string, privateJwk: JsonWebKey): PublicJwk {
  const { crv, x, y } = privateJwk;
  return { kty: "EC", crv, x, y, kid, alg: "ES256", use: "sig", key_ops: ["verify"], ext: true };
}

/** This checkout's keys, made on first use. */
export async function loadLocalKeys(path = localKeysFile): Promise<LocalKeys> {
  const stored = await readOrCreate(path);
  const { kid, privateJwk } = stored.signingKey;
  const privateKey = await crypto.subtle.importKey(
    "jwk",
    privateJwk,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  return {
    publishableKey: stored.publishableKey,
    secretKey: stored.secretKey,
    legacyJwtSecret: stored.legacyJwtSecret,
    anonKey: stored.anonKey,
    serviceRoleKey: stored.serviceRoleKey,
    signingKey: { kid, privateKey, publicJwk: publicJwkOf(kid, privateJwk) },
  };
}

export const localKeys: LocalKeys = await loadLocalKeys();

/** The legacy HS256 secret of this checkout (legacy keys and legacy-mode user tokens). */
export const localJwtSecret = localKeys.legacyJwtSecret;
/** The legacy anon key: role `anon`. Public, like the publishable key. */
export const localAnonKey = localKeys.anonKey;
/** The legacy service-role key. Bypasses RLS; servers and scripts only. */
export const localServiceRoleKey = localKeys.serviceRoleKey;
/** The publishable key (acts as `anon`). */
export const localPublishableKey = localKeys.publishableKey;
/** The secret key (acts as `service_role`); servers and scripts only. */
export const localSecretKey = localKeys.secretKey;
