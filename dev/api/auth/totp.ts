// DEVELOPMENT ONLY: time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six
// digits) with WebCrypto, as GoTrue's TOTP factors use them. Also used by tests to type a code.

const stepSeconds = 30;
const digits = 6;
const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A new random secret, base32 without padding (20 bytes, like GoTrue's). */
export function newTotpSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  let secret = "";
  for (let i = 0; i + 5 <= bits.length; i += 5) {
    secret += base32Alphabet[parseInt(bits.slice(i, i + 5), 2)];
  }
  return secret;
}

function base32Bytes(secret: string): Uint8Array<ArrayBuffer> {
  const clean = secret.replace(/=+$/, "").toUpperCase();
  let bits = "";
  for (const char of clean) {
    const value = base32Alphabet.indexOf(char);
    if (value < 0) throw new Error("the TOTP secret is not base32");
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = new Uint8Array(Math.floor(bits.length / 8));
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  return bytes;
}

/** The code for the time step that contains `atMs`. */
export async function totpCode(secret: string, atMs = Date.now()): Promise<string> {
  const counter = Math.floor(atMs / 1000 / stepSeconds);
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const key = await crypto.subtle.importKey(
    "raw",
    base32Bytes(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  const offset = mac[mac.length - 1] & 0x0f;
  const value = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, "0");
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** True when `code` matches this step or one step either side (GoTrue's skew of 1). */
export async function totpCodeMatches(
  secret: string,
  code: string,
  atMs = Date.now(),
): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  let matched = false;
  for (const skew of [-1, 0, 1]) {
    // Every candidate is compared, so the time taken does not say which step matched.
    if (sameText(await totpCode(secret, atMs + skew * stepSeconds * 1000), code)) matched = true;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps read from the QR code. */
export function totpUri(secret: string, issuer: string, account: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const query = new URLSearchParams({
    algorithm: "SHA1",
    digits: String(digits),
    issuer,
    period: String(stepSeconds),
    secret,
  });
  return `otpauth://totp/${label}?${query}`;
}
