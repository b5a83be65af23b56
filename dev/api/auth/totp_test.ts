import assert from "node:assert/strict";
import { newTotpSecret, totpCode, totpCodeMatches } from "./totp.ts";

// RFC 6238 appendix B: the SHA1 secret "12345678901234567890" in base32, 8-digit vectors cut
// to their last six digits (the same truncation, modulo 10^6).
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

Deno.test("totpCode() reproduces RFC 6238's SHA1 test vectors", async () => {
  assert.equal(await totpCode(rfcSecret, 59_000), "287082");
  assert.equal(await totpCode(rfcSecret, 1_111_111_109_000), "081804");
  assert.equal(await totpCode(rfcSecret, 1_234_567_890_000), "005924");
  assert.equal(await totpCode(rfcSecret, 20_000_000_000_000), "353130");
});

Deno.test("totpCodeMatches() accepts one step of skew and nothing further", async () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const now = 1_800_000_000_000;
  assert.ok(await totpCodeMatches(secret, await totpCode(secret, now), now));
  assert.ok(await totpCodeMatches(secret, await totpCode(secret, now - 30_000), now));
  assert.ok(await totpCodeMatches(secret, await totpCode(secret, now + 30_000), now));
  assert.equal(await totpCodeMatches(secret, await totpCode(secret, now - 90_000), now), false);
  assert.equal(await totpCodeMatches(secret, "12345", now), false);
  assert.equal(await totpCodeMatches(secret, "abcdef", now), false);
});
