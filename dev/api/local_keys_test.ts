// The per-checkout keys: random, made once, kept private in .local/, the same on every load.
import assert from "node:assert/strict";
import { join } from "../path_helpers.ts";
import { verifyJwt } from "./jwt.ts";
import {
  loadLocalKeys,
  localAnonKey,
  localJwtSecret,
  localKeysFile,
  localServiceRoleKey,
} from "./local_keys.ts";

Deno.test("this checkout's legacy keys verify with its own legacy secret", async () => {
  assert.equal((await verifyJwt(localAnonKey, localJwtSecret)).role, "anon");
  assert.equal((await verifyJwt(localServiceRoleKey, localJwtSecret)).role, "service_role");
  assert.match(localKeysFile, /\/\.local\/api-keys\.json$/);
  // No longer the public value every `supabase start` shares.
  assert.notEqual(localJwtSecret, "super-secret-jwt-token-with-at-least-32-characters-long");
});

Deno.test("loadLocalKeys() makes random keys once, privately, and reads the same ones back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "local-keys-" });
  try {
    const path = join(dir, "api-keys.json");
    const [first, racing] = await Promise.all([loadLocalKeys(path), loadLocalKeys(path)]);
    assert.equal(racing.publishableKey, first.publishableKey, "one file wins a race");
    assert.match(first.publishableKey, /^sb_publishable_[A-Za-z0-9_-]{32}$/);
    assert.match(first.secretKey, /^sb_secret_[A-Za-z0-9_-]{32}$/);
    assert.equal((Deno.statSync(path).mode ?? 0) & 0o777, 0o600);
    const again = await loadLocalKeys(path);
    assert.deepEqual(
      [again.secretKey, again.anonKey, again.signingKey.kid, again.signingKey.publicJwk],
      [first.secretKey, first.anonKey, first.signingKey.kid, first.signingKey.publicJwk],
    );
    const other = await loadLocalKeys(join(dir, "other.json"));
    assert.notEqual(other.publishableKey, first.publishableKey);
    assert.notEqual(other.legacyJwtSecret, first.legacyJwtSecret);
    assert.notEqual(other.signingKey.kid, first.signingKey.kid);
    const jwk = first.signingKey.publicJwk;
    assert.deepEqual(
      { kty: jwk.kty, crv: jwk.crv, alg: jwk.alg, use: jwk.use, kid: jwk.kid },
      { kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: first.signingKey.kid },
    );
    assert.equal("d" in jwk, false, "the public key carries no private part");
    assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(), [
      "api-keys.json",
      "other.json",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
