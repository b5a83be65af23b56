// DEVELOPMENT ONLY: JSON Web Tokens for the local stand-ins, signed and checked with WebCrypto:
// HS256 (the legacy shared secret) and ES256 (an asymmetric signing key, as Supabase Auth signs
// user tokens once a project uses JWT signing keys). The product never uses this: the functions
// verify tokens with supabase-js (`auth.getClaims`).

export type JwtClaims = Record<string, unknown> & {
  role?: string;
  sub?: string;
  exp?: number;
  iat?: number;
};

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JwtError";
  }
}

/** What a verifier accepts: the legacy secret (HS256) and/or public keys by kid (ES256). */
export interface JwtVerificationKeys {
  hs256Secret?: string;
  es256?: ReadonlyMap<string, CryptoKey>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new JwtError("token is malformed");
  const padded = text.replaceAll("-", "+").replaceAll("_", "/") +
    "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function encodePart(value: unknown): string {
  return base64UrlEncode(encoder.encode(JSON.stringify(value)));
}

/** Signs claims as an HS256 JWT (the legacy anon/service-role keys, legacy-mode user tokens). */
export async function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  const input = `${encodePart({ alg: "HS256", typ: "JWT" })}.${encodePart(claims)}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(input));
  return `${input}.${base64UrlEncode(new Uint8Array(signature))}`;
}

/** Signs claims as an ES256 JWT whose header names the key (`kid`), as Supabase Auth does. */
export async function signEs256Jwt(
  claims: JwtClaims,
  key: { kid: string; privateKey: CryptoKey },
): Promise<string> {
  const input = `${encodePart({ alg: "ES256", kid: key.kid, typ: "JWT" })}.${encodePart(claims)}`;
  // WebCrypto's ECDSA signature is r || s, exactly JWS's ES256 encoding.
  const signature = await crypto.subtle.sign(ecdsa, key.privateKey, encoder.encode(input));
  return `${input}.${base64UrlEncode(new Uint8Array(signature))}`;
}

function decodeParts(token: string): { header: Record<string, unknown>; claims: JwtClaims } {
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("token is malformed");
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(decoder.decode(base64UrlDecode(parts[0])));
    claims = JSON.parse(decoder.decode(base64UrlDecode(parts[1])));
  } catch {
    throw new JwtError("token is malformed");
  }
  const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(header) || !isObject(claims)) throw new JwtError("token is malformed");
  return { header: header as Record<string, unknown>, claims: claims as JwtClaims };
}

async function signatureValid(
  token: string,
  header: Record<string, unknown>,
  keys: JwtVerificationKeys,
): Promise<boolean> {
  const [h, p, s] = token.split(".");
  const input = encoder.encode(`${h}.${p}`);
  const signature = base64UrlDecode(s);
  if (header.alg === "HS256" && keys.hs256Secret !== undefined) {
    return await crypto.subtle.verify("HMAC", await hmacKey(keys.hs256Secret), signature, input);
  }
  if (header.alg === "ES256" && keys.es256) {
    const key = typeof header.kid === "string" ? keys.es256.get(header.kid) : undefined;
    if (!key) throw new JwtError("unrecognized JWT kid for algorithm ES256");
    return await crypto.subtle.verify(ecdsa, key, signature, input);
  }
  throw new JwtError(`signing method ${String(header.alg)} is invalid`);
}

/**
 * Verifies a JWT's signature with one of the given keys (the header's `alg` must be one the
 * keys allow, and an ES256 `kid` one of them) and its `exp`/`nbf`; returns its claims. Throws
 * JwtError with a GoTrue-like reason otherwise.
 */
export async function verifyWithKeys(
  token: string,
  keys: JwtVerificationKeys,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<JwtClaims> {
  const { header, claims } = decodeParts(token);
  if (!(await signatureValid(token, header, keys))) throw new JwtError("signature is invalid");
  if (typeof claims.exp === "number" && claims.exp <= nowSeconds) {
    throw new JwtError("token has invalid claims: token is expired");
  }
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds) {
    throw new JwtError("token has invalid claims: token is not valid yet");
  }
  return claims;
}

/** Verifies an HS256 JWT with the shared secret (constant time, by WebCrypto). */
export function verifyJwt(token: string, secret: string, nowSeconds?: number): Promise<JwtClaims> {
  return verifyWithKeys(token, { hs256Secret: secret }, nowSeconds);
}

/** The claims of a JWT without any check: only for tokens this process made itself. */
export function unverifiedClaims(token: string): JwtClaims {
  return decodeParts(token).claims;
}
