// Lightspeed signs the webhooks of OAuth apps: `X-Signature: signature=<mac>,algorithm=HMAC-SHA256`,
// an HMAC-SHA256 of the raw body under the app's client secret. Whether <mac> is hex or base64
// is not settled by Lightspeed's text: both are accepted. Compared in constant time.
import { timingSafeEqual } from "node:crypto";
import { hmacSha256 } from "../_shared/auth/hmac_sha256.ts";

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

function macBytes(text: string): Uint8Array | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    return Uint8Array.from(text.match(/../g)!.map((pair) => parseInt(pair, 16)));
  }
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const standard = text.replaceAll("-", "+").replaceAll("_", "/").replace(/=?$/, "=");
  return Uint8Array.from(atob(standard), (c) => c.charCodeAt(0));
}

export async function verifyWebhookSignature(
  header: string | null,
  body: string,
  secret: string,
): Promise<SignatureCheck> {
  if (header === null) return { valid: false, reason: "no X-Signature header" };
  const fields = new Map(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()] as const;
    }),
  );
  if ((fields.get("algorithm") ?? "").toUpperCase() !== "HMAC-SHA256") {
    return { valid: false, reason: "X-Signature does not name algorithm=HMAC-SHA256" };
  }
  const presented = macBytes(fields.get("signature") ?? "");
  if (presented === null) return { valid: false, reason: "X-Signature holds no signature" };
  const expected = await hmacSha256(secret, body);
  if (!timingSafeEqual(expected, presented)) {
    return { valid: false, reason: "X-Signature does not match the body" };
  }
  return { valid: true };
}
