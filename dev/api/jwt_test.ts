// The stand-ins' JWT checks are at least as strict as Supabase's: the algorithm must be one the
// project verifies, an ES256 kid must be the project's, the signature and expiry must hold.
import assert from "node:assert/strict";
import {
  base64UrlEncode,
  JwtError,
  signEs256Jwt,
  signJwt,
  verifyJwt,
  verifyWithKeys,
} from "./jwt.ts";

const encode = (value: unknown) => base64UrlEncode(new TextEncoder().encode(JSON.stringify(value)));
const secret = "s".repeat(40);

async function es256Key() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const kid = crypto.randomUUID();
  return { kid, privateKey: pair.privateKey, keys: { es256: new Map([[kid, pair.publicKey]]) } };
}

Deno.test("signJwt() round-trips through verifyJwt(); a wrong secret, expiry and tampering fail", async () => {
  const token = await signJwt({ sub: "u1", role: "authenticated", exp: 2_000 }, secret);
  assert.equal((await verifyJwt(token, secret, 1_000)).sub, "u1");
  await assert.rejects(verifyJwt(token, "o".repeat(40), 1_000), /signature is invalid/);
  await assert.rejects(verifyJwt(token, secret, 2_000), /expired/);
  const [h, , s] = token.split(".");
  await assert.rejects(
    verifyJwt(`${h}.${encode({ role: "service_role" })}.${s}`, secret, 1),
    /signature/,
  );
  await assert.rejects(verifyJwt("garbage", secret), /malformed/);
});

Deno.test("an ES256 token verifies with its kid's public key and nothing else", async () => {
  const key = await es256Key();
  const token = await signEs256Jwt({ sub: "u1", exp: 2_000 }, key);
  assert.deepEqual(JSON.parse(atob(token.split(".")[0])), {
    alg: "ES256",
    kid: key.kid,
    typ: "JWT",
  });
  assert.equal((await verifyWithKeys(token, key.keys, 1_000)).sub, "u1");

  const other = await es256Key();
  const wrongKid = await signEs256Jwt({ sub: "u1", exp: 2_000 }, { ...other, kid: key.kid });
  await assert.rejects(verifyWithKeys(wrongKid, key.keys, 1_000), /signature is invalid/);
  const unknownKid = await signEs256Jwt({ sub: "u1", exp: 2_000 }, other);
  await assert.rejects(verifyWithKeys(unknownKid, key.keys, 1_000), /kid/);
  await assert.rejects(verifyWithKeys(token, key.keys, 2_000), /expired/);

  const [h, , s] = token.split(".");
  const tampered = `${h}.${encode({ sub: "u2", exp: 2_000 })}.${s}`;
  await assert.rejects(verifyWithKeys(tampered, key.keys, 1_000), /signature is invalid/);
  const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11);
  await assert.rejects(
    verifyWithKeys(`${h}.${token.split(".")[1]}.${flipped}`, key.keys, 1_000),
    JwtError,
  );
});

Deno.test("a project verifying ES256 only refuses alg none, HS256 and RS256 headers", async () => {
  const key = await es256Key();
  const claims = encode({ sub: "u1", exp: 2_000 });
  const none = `${encode({ alg: "none", kid: key.kid })}.${claims}.`;
  await assert.rejects(verifyWithKeys(none, key.keys, 1_000), /signing method none is invalid/);
  const hs256 = await signJwt({ sub: "u1", exp: 2_000 }, secret);
  await assert.rejects(verifyWithKeys(hs256, key.keys, 1_000), /signing method HS256 is invalid/);
  const token = await signEs256Jwt({ sub: "u1", exp: 2_000 }, key);
  const [, p, s] = token.split(".");
  const rs256 = `${encode({ alg: "RS256", kid: key.kid })}.${p}.${s}`;
  await assert.rejects(verifyWithKeys(rs256, key.keys, 1_000), /signing method RS256 is invalid/);
  // And the HS256-only check of the legacy secret refuses an ES256 token.
  await assert.rejects(verifyJwt(token, secret, 1_000), /signing method ES256 is invalid/);
});
