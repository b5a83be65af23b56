// DEVELOPMENT ONLY. The well-known keys of `supabase start`: a public HS256 secret and the anon
// and service-role JWTs signed with it. They protect nothing and must never reach a hosted
// project; the hosted project has its own keys, and browsers only ever get the public one.

/** The local stack's JWT secret (the same public value `supabase start` uses). */
export const localJwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

/** `supabase start`'s anon key: role `anon`, issuer `supabase-demo`, expires in 2032. */
export const localAnonKey =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";

/** `supabase start`'s service-role key. Bypasses RLS; servers and scripts only. */
export const localServiceRoleKey =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

/** The local API base URL (the port `supabase start` uses). */
export const localApiUrl = "http://127.0.0.1:54321";

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

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): Uint8Array {
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

/** Signs claims as an HS256 JWT. */
export async function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  const header = base64UrlEncode(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const payload = base64UrlEncode(encoder.encode(JSON.stringify(claims)));
  const input = `${header}.${payload}`;
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(input));
  return `${input}.${base64UrlEncode(new Uint8Array(signature))}`;
}

/**
 * Verifies an HS256 JWT's signature (constant time, by WebCrypto) and its `exp`/`nbf`, and
 * returns its claims. Throws JwtError with a GoTrue-like reason otherwise.
 */
export async function verifyJwt(
  token: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<JwtClaims> {
  const parts = token.split(".");
  if (parts.length !== 3) throw new JwtError("token is malformed");
  let header: { alg?: unknown };
  let claims: JwtClaims;
  try {
    header = JSON.parse(decoder.decode(base64UrlDecode(parts[0])));
    claims = JSON.parse(decoder.decode(base64UrlDecode(parts[1])));
  } catch {
    throw new JwtError("token is malformed");
  }
  if (header.alg !== "HS256") throw new JwtError("signing method is not HS256");
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    base64UrlDecode(parts[2]) as Uint8Array<ArrayBuffer>,
    encoder.encode(`${parts[0]}.${parts[1]}`),
  );
  if (!valid) throw new JwtError("signature is invalid");
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) {
    throw new JwtError("token is malformed");
  }
  if (typeof claims.exp === "number" && claims.exp <= nowSeconds) {
    throw new JwtError("token has invalid claims: token is expired");
  }
  if (typeof claims.nbf === "number" && claims.nbf > nowSeconds) {
    throw new JwtError("token has invalid claims: token is not valid yet");
  }
  return claims;
}
