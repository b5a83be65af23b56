// The auth and REST stand-ins in each key mode, over real HTTP: which API keys the gateway takes,
// how user tokens are signed and published (JWKS), and that every bent token is refused.
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { base64UrlEncode, signEs256Jwt, signJwt } from "../jwt.ts";
import { browserKeyOf, type KeyMode } from "../key_mode.ts";
import { localKeys } from "../local_keys.ts";
import { startTestStack, type TestStack, uniqueSuffix } from "./test_stack.ts";
import { createLocalUser, deleteLocalUser } from "./users.ts";

const noPersist = { auth: { persistSession: false, autoRefreshToken: false } };
const encode = (value: unknown) => base64UrlEncode(new TextEncoder().encode(JSON.stringify(value)));
const decode = (part: string) => JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));

interface ModeWorld {
  stack: TestStack;
  key: string;
  userId: string;
  token: string;
}

async function withMode(mode: KeyMode, run: (world: ModeWorld) => Promise<void>) {
  const stack = await startTestStack({ keyMode: mode });
  const email = `key-modes-${uniqueSuffix()}@example.com`;
  try {
    const user = await createLocalUser(stack.sql, email, "key-modes-password", { staff: true });
    const key = browserKeyOf(mode, localKeys);
    const client = createClient(stack.url, key, noPersist);
    const { data, error } = await client.auth.signInWithPassword({
      email,
      password: "key-modes-password",
    });
    assert.equal(error, null);
    await run({ stack, key, userId: user.id, token: data.session!.access_token });
  } finally {
    await deleteLocalUser(stack.sql, email);
    await stack.close();
  }
}

async function status(url: string, headers: Record<string, string>): Promise<number> {
  const reply = await fetch(url, { headers });
  await reply.body?.cancel();
  return reply.status;
}

Deno.test("each key mode's gateway takes exactly its API keys", async () => {
  const expected: Record<KeyMode, [string, number][]> = {
    new: [[localKeys.publishableKey, 200], [localKeys.secretKey, 200], [localKeys.anonKey, 401]],
    legacy: [[localKeys.publishableKey, 401], [localKeys.anonKey, 200], [
      localKeys.serviceRoleKey,
      200,
    ]],
    both: [[localKeys.publishableKey, 200], [localKeys.anonKey, 200], [localKeys.secretKey, 200]],
  };
  for (const mode of ["new", "legacy", "both"] as const) {
    const stack = await startTestStack({ keyMode: mode });
    try {
      for (const [key, code] of expected[mode]) {
        assert.equal(await status(`${stack.url}/auth/v1/settings`, { apikey: key }), code, mode);
      }
      const unknown = `sb_publishable_${"x".repeat(32)}`;
      assert.equal(await status(`${stack.url}/auth/v1/settings`, { apikey: unknown }), 401);
      if (mode === "new") {
        const reply = await fetch(`${stack.url}/rest/v1/sync_state`, {
          headers: { apikey: localKeys.anonKey },
        });
        assert.equal(reply.status, 401);
        assert.equal((await reply.json()).message, "Legacy API keys are disabled");
      }
    } finally {
      await stack.close();
    }
  }
});

Deno.test("the JWKS lists the ES256 public key (none in legacy mode), and tokens carry its kid", async () => {
  for (const mode of ["new", "legacy", "both"] as const) {
    await withMode(mode, async ({ stack, token }) => {
      // Public, as on hosted: no apikey needed.
      const reply = await fetch(`${stack.url}/auth/v1/.well-known/jwks.json`);
      const jwks = await reply.json();
      const header = decode(token.split(".")[0]);
      if (mode === "legacy") {
        assert.deepEqual(jwks, { keys: [] });
        assert.equal(header.alg, "HS256");
        return;
      }
      assert.equal(jwks.keys.length, 1);
      const [jwk] = jwks.keys;
      assert.deepEqual(
        [jwk.kty, jwk.crv, jwk.alg, jwk.use, jwk.kid],
        ["EC", "P-256", "ES256", "sig", localKeys.signingKey.kid],
      );
      assert.equal(jwk.d, undefined, "never the private key");
      assert.deepEqual(header, { alg: "ES256", kid: localKeys.signingKey.kid, typ: "JWT" });
      // supabase-js verifies it against this JWKS.
      const { data, error } = await createClient(stack.url, localKeys.publishableKey, noPersist)
        .auth.getClaims(token);
      assert.equal(error, null);
      assert.equal(data?.header.kid, localKeys.signingKey.kid);
    });
  }
});

/** Tokens a stand-in must refuse in "new" mode, each with what is wrong with it. */
async function bentTokens(userId: string, token: string): Promise<[string, string][]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, role: "authenticated", aud: "authenticated", exp: now + 600 };
  const [h, p, s] = token.split(".");
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const stranger = { kid: crypto.randomUUID(), privateKey: pair.privateKey };
  return [
    ["unknown kid", await signEs256Jwt(claims, stranger)],
    [
      "a stranger's key under our kid",
      await signEs256Jwt(claims, { ...stranger, kid: localKeys.signingKey.kid }),
    ],
    ["alg none", `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`],
    ["HS256 with the legacy secret", await signJwt(claims, localKeys.legacyJwtSecret)],
    ["expired", await signEs256Jwt({ ...claims, exp: now - 5 }, localKeys.signingKey)],
    ["tampered claims", `${h}.${encode({ ...decode(p), sub: crypto.randomUUID() })}.${s}`],
    ["the publishable key", localKeys.publishableKey],
  ];
}

Deno.test("new keys: /auth/v1/user and /rest/v1 refuse every bent token", async () => {
  await withMode("new", async ({ stack, key, userId, token }) => {
    const good = { apikey: key, authorization: `Bearer ${token}` };
    assert.equal(await status(`${stack.url}/auth/v1/user`, good), 200);
    assert.equal(await status(`${stack.url}/rest/v1/sync_state`, good), 200);
    for (const [what, bent] of await bentTokens(userId, token)) {
      const headers = { apikey: key, authorization: `Bearer ${bent}` };
      assert.equal(await status(`${stack.url}/auth/v1/user`, headers), 403, what);
      if (what !== "the publishable key") {
        assert.equal(await status(`${stack.url}/rest/v1/sync_state`, headers), 401, what);
      }
    }
  });
});

Deno.test("an sb_ key as Bearer is the apikey's role at the Data API, never a JWT", async () => {
  await withMode("new", async ({ stack, key }) => {
    const read = async (apikey: string, bearer: string) => {
      const reply = await fetch(`${stack.url}/rest/v1/staff_members?select=user_id`, {
        headers: { apikey, authorization: `Bearer ${bearer}` },
      });
      const body = await reply.json();
      return { status: reply.status, rows: Array.isArray(body) ? body.length : null };
    };
    // anon has no grant on staff_members: PostgREST answers 401.
    assert.equal((await read(key, key)).status, 401, "publishable: anon");
    assert.equal(
      (await read(key, localKeys.secretKey)).status,
      401,
      "a secret Bearer grants nothing",
    );
    const service = await read(localKeys.secretKey, localKeys.secretKey);
    assert.equal(service.status, 200, "secret apikey: service_role");
    assert.ok(service.rows! > 0);
  });
});
