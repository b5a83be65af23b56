// The pg_cron dispatcher's proof of origin (README § Security): it never sends the sync secret,
// which would sit in pg_net's queue where every database role can read it, but signs each call:
//   x-sync-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(sync secret, t.call_id.body)>
//   x-sync-call-id:   <sync_private.scheduled_calls.id>
// A signature is valid for signatureValiditySeconds either side of now and names one call id,
// which the function accepts once (scheduler_call_claim.ts), so a copy read from the queue
// is worth nothing after the call was made or its window passed.
import { timingSafeEqual } from "node:crypto";
import { hmacSha256 } from "./hmac_sha256.ts";

export const signatureHeader = "x-sync-signature";
export const callIdHeader = "x-sync-call-id";
export const signatureValiditySeconds = 120;

const largestBigint = 9_223_372_036_854_775_807n;

/** A call id as the dispatcher sends it: a positive bigint in plain digits. */
export function isCallId(value: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) <= largestBigint;
}

export interface SignedRequest {
  signature: string | null;
  callId: string | null;
  body: string;
}

export type SignatureCheck = { valid: true; callId: string } | { valid: false; reason: string };

function parseSignature(header: string): { t: number; v1: string } | null {
  const match = header.trim().match(/^t=([0-9]{1,12}),v1=([0-9a-f]{64})$/);
  return match ? { t: Number(match[1]), v1: match[2] } : null;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
}

/** The signature the dispatcher computes (sync_private.scheduler_signature), for tests. */
export async function schedulerSignature(
  secret: string,
  t: number,
  callId: string,
  body: string,
): Promise<string> {
  const mac = await hmacSha256(secret, `${t}.${callId}.${body}`);
  return `t=${t},v1=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Checks the signature, its time and its call id; says why not in a reason that holds no secret.
 * The comparison takes the same time wherever the first differing byte is.
 */
export async function verifySchedulerSignature(
  request: SignedRequest,
  secret: string,
  nowMs: number = Date.now(),
): Promise<SignatureCheck> {
  if (request.signature === null) return { valid: false, reason: `no ${signatureHeader} header` };
  const parsed = parseSignature(request.signature);
  if (!parsed) {
    return { valid: false, reason: `${signatureHeader} is not t=<unix seconds>,v1=<64 hex>` };
  }
  const callId = request.callId?.trim() ?? "";
  if (!isCallId(callId)) {
    return { valid: false, reason: `${callIdHeader} is missing or not a positive whole number` };
  }
  const age = Math.floor(nowMs / 1000) - parsed.t;
  if (age > signatureValiditySeconds) {
    return { valid: false, reason: `signature expired (signed ${age} s ago)` };
  }
  if (age < -signatureValiditySeconds) {
    return { valid: false, reason: `signature dated ${-age} s in the future` };
  }
  const expected = await hmacSha256(secret, `${parsed.t}.${callId}.${request.body}`);
  if (!timingSafeEqual(expected, hexBytes(parsed.v1))) {
    return { valid: false, reason: "signature does not match the call id and body" };
  }
  return { valid: true, callId };
}
