// Staff identification against the local auth stand-in in each key mode, over real HTTP and the
// real staff list: supabase-js verifies the token, a refusal is logged with its reason only.
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import {
  type ExtraRoute,
  startTestStack,
  type TestStack,
  uniqueSuffix,
} from "../../../../dev/api/auth/test_stack.ts";
import { createLocalUser, deleteLocalUser } from "../../../../dev/api/auth/users.ts";
import { base64UrlEncode, signEs256Jwt, signJwt } from "../../../../dev/api/jwt.ts";
import { browserKeyOf, jwksOf, type KeyMode } from "../../../../dev/api/key_mode.ts";
import { localKeys } from "../../../../dev/api/local_keys.ts";
import { type StaffCheck, staffUserId } from "./staff_identity.ts";

const noPersist = { auth: { persistSession: false, autoRefreshToken: false } };
const encode = (value: unknown) => base64UrlEncode(new TextEncoder().encode(JSON.stringify(value)));

interface World {
  stack: TestStack;
  staff: { id: string; token: string };
  visitor: { id: string; token: string };
  check: (overrides?: Partial<StaffCheck>) => StaffCheck;
  logged: string[];
}

async function signIn(stack: TestStack, key: string, email: string): Promise<string> {
  const client = createClient(stack.url, key, noPersist);
  const { data, error } = await client.auth.signInWithPassword({
    email,
    password: "pw-123456-long",
  });
  assert.equal(error, null);
  return data.session!.access_token;
}

async function withWorld(
  mode: KeyMode,
  run: (world: World) => Promise<void>,
  options: { hostname?: string; extra?: ExtraRoute } = {},
) {
  const stack = await startTestStack({ keyMode: mode, extra: options.extra });
  const suffix = uniqueSuffix();
  const emails = [`staff-id-${suffix}@example.com`, `visitor-id-${suffix}@example.com`];
  try {
    const staff = await createLocalUser(stack.sql, emails[0], "pw-123456-long", { staff: true });
    const visitor = await createLocalUser(stack.sql, emails[1], "pw-123456-long", { staff: false });
    const key = browserKeyOf(mode, localKeys);
    const logged: string[] = [];
    const url = stack.url.replace("127.0.0.1", options.hostname ?? "127.0.0.1");
    const world: World = {
      stack,
      staff: { id: staff.id, token: await signIn(stack, key, emails[0]) },
      visitor: { id: visitor.id, token: await signIn(stack, key, emails[1]) },
      logged,
      check: (overrides = {}) => ({
        sql: stack.sql,
        supabaseUrl: url,
        supabaseKey: key,
        apiKeys: [localKeys.publishableKey, localKeys.anonKey],
        log: (line) => logged.push(line),
        ...overrides,
      }),
    };
    await run(world);
  } finally {
    for (const email of emails) await deleteLocalUser(stack.sql, email);
    await stack.close();
  }
}

Deno.test("a staff member's token is accepted in every key mode, a visitor's is not", async () => {
  for (const mode of ["new", "legacy", "both"] as const) {
    await withWorld(mode, async ({ staff, visitor, check, logged }) => {
      assert.equal(await staffUserId(staff.token, check()), staff.id, mode);
      assert.equal(await staffUserId(visitor.token, check()), null, mode);
      // API keys sent as Bearer are no sign-in, and not worth a log line.
      assert.equal(await staffUserId(localKeys.publishableKey, check()), null);
      assert.equal(await staffUserId(localKeys.anonKey, check()), null);
      assert.deepEqual(logged, [], mode);
    });
  }
});

Deno.test("with new keys only, Auth refuses the disabled anon key; the publishable key verifies", async () => {
  await withWorld("new", async ({ stack, staff, check, logged }) => {
    // What the functions did before: ask Auth with SUPABASE_ANON_KEY (supabase#37648).
    const before = await createClient(stack.url, localKeys.anonKey, noPersist).auth
      .getUser(staff.token);
    assert.equal(before.error?.status, 401);
    assert.match(before.error?.message ?? "", /Legacy API keys are disabled/);
    assert.equal(await staffUserId(staff.token, check()), staff.id);
    assert.deepEqual(logged, []);
  });
});

/** Tokens a project on ES256 signing keys refuses, each with the reason to log. */
async function bentTokens(staffId: string, token: string): Promise<[string, string, RegExp][]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: staffId, role: "authenticated", aud: "authenticated", exp: now + 600 };
  const [h, p, s] = token.split(".");
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const stranger = { kid: crypto.randomUUID(), privateKey: pair.privateKey };
  const ours = { kid: localKeys.signingKey.kid, privateKey: pair.privateKey };
  const payload = JSON.parse(atob(p.replaceAll("-", "+").replaceAll("_", "/")));
  return [
    ["unknown kid", await signEs256Jwt(claims, stranger), /signature|kid|invalid/i],
    ["a stranger's key under our kid", await signEs256Jwt(claims, ours), /Invalid JWT signature/],
    ["alg none", `${encode({ alg: "none", kid: ours.kid })}.${encode(claims)}.`, /alg/i],
    ["HS256 with the legacy secret", await signJwt(claims, localKeys.legacyJwtSecret), /HS256/],
    [
      "expired",
      await signEs256Jwt({ ...claims, exp: now - 5 }, localKeys.signingKey),
      /expired/i,
    ],
    [
      "tampered",
      `${h}.${encode({ ...payload, sub: crypto.randomUUID() })}.${s}`,
      /Invalid JWT signature/,
    ],
  ];
}

Deno.test("new keys: every bent token is refused and logged with its reason, never the token", async () => {
  await withWorld("new", async ({ staff, check, logged }) => {
    for (const [what, token, reason] of await bentTokens(staff.id, staff.token)) {
      logged.length = 0;
      assert.equal(await staffUserId(token, check()), null, what);
      assert.equal(logged.length, 1, what);
      assert.match(logged[0], /^A staff sign-in was refused: /, what);
      assert.match(logged[0], reason, `${what}: ${logged[0]}`);
      for (const part of token.split(".").filter((part) => part.length > 8)) {
        assert.ok(!logged[0].includes(part), `${what}: the log holds part of the token`);
      }
    }
  });
});

Deno.test("the JWKS is fetched once and cached, and SUPABASE_JWKS spares even that", async () => {
  let fetches = 0;
  const extra = (req: Request) => {
    if (new URL(req.url).pathname.endsWith("/.well-known/jwks.json")) fetches++;
    return Promise.resolve(null);
  };
  // Its own hostname: supabase-js caches a JWKS per project host for the whole process.
  await withWorld("new", async ({ staff, check }) => {
    assert.equal(
      await staffUserId(staff.token, check({ jwks: jwksOf("new", localKeys) })),
      staff.id,
    );
    assert.equal(fetches, 0);
    for (let i = 0; i < 3; i++) assert.equal(await staffUserId(staff.token, check()), staff.id);
    assert.equal(fetches, 1);
  }, { hostname: "localhost", extra });
});

Deno.test("without a project URL or key the check is refused and says what is missing", async () => {
  await withWorld("both", async ({ staff, check, logged }) => {
    assert.equal(await staffUserId(staff.token, check({ supabaseKey: undefined })), null);
    assert.match(logged[0], /SUPABASE_PUBLISHABLE_KEYS/);
  });
});

Deno.test("with the sign-in policy requiring aal2, only a token that verified a second factor is staff", async () => {
  await withWorld("new", async ({ stack, staff, check, logged }) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: staff.id, role: "authenticated", aud: "authenticated", exp: now + 600 };
    const secondFactor = await signEs256Jwt({ ...claims, aal: "aal2" }, localKeys.signingKey);
    await stack.sql`update public.staff_sign_in_policy set require_aal2 = true`;
    try {
      assert.equal(await staffUserId(staff.token, check()), null);
      assert.deepEqual(logged, [
        "A staff sign-in was refused: the sign-in policy requires a second factor (aal2)",
      ]);
      assert.equal(await staffUserId(secondFactor, check()), staff.id);
    } finally {
      await stack.sql`update public.staff_sign_in_policy set require_aal2 = false`;
    }
    assert.equal(await staffUserId(staff.token, check()), staff.id);
  });
});
