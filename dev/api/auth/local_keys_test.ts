import assert from "node:assert/strict";
import {
  JwtError,
  localAnonKey,
  localJwtSecret,
  localServiceRoleKey,
  signJwt,
  verifyJwt,
} from "../local_keys.ts";

Deno.test("localAnonKey and localServiceRoleKey verify with localJwtSecret", async () => {
  assert.equal((await verifyJwt(localAnonKey, localJwtSecret)).role, "anon");
  assert.equal((await verifyJwt(localServiceRoleKey, localJwtSecret)).role, "service_role");
});

Deno.test("signJwt() round-trips through verifyJwt()", async () => {
  const token = await signJwt(
    { sub: "u1", role: "authenticated", exp: 2_000_000_000 },
    "s".repeat(40),
  );
  const claims = await verifyJwt(token, "s".repeat(40), 1_000);
  assert.equal(claims.sub, "u1");
});

Deno.test("verifyJwt() rejects a wrong secret, expiry, tampering and other algorithms", async () => {
  const token = await signJwt({ role: "authenticated", exp: 100 }, localJwtSecret);
  await assert.rejects(verifyJwt(token, "other-secret-other-secret-other-secret"), JwtError);
  await assert.rejects(verifyJwt(token, localJwtSecret, 100), /expired/);
  const [h, , s] = token.split(".");
  const forged = btoa(JSON.stringify({ role: "service_role" })).replace(/=+$/, "");
  await assert.rejects(verifyJwt(`${h}.${forged}.${s}`, localJwtSecret, 1), /signature/);
  const none = btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "");
  await assert.rejects(verifyJwt(`${none}.${forged}.`, localJwtSecret, 1), /HS256/);
  await assert.rejects(verifyJwt("garbage", localJwtSecret), /malformed/);
});
