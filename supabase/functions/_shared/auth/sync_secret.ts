// The x-sync-secret check, in constant time: both sides are hashed first so neither the
// content nor the length of the secret leaks through timing.
import { timingSafeEqual } from "node:crypto";

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

export async function secretMatches(presented: string | null, expected: string): Promise<boolean> {
  if (presented === null || presented === "") return false;
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return timingSafeEqual(a, b);
}
