import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import type { Sql } from "postgres";
import { verifyWithKeys } from "../jwt.ts";
import { tokenVerificationKeys } from "../key_mode.ts";
import { localAnonKey, localJwtSecret, localKeys, signJwt } from "../local_keys.ts";
import { startTestStack, uniqueSuffix } from "./test_stack.ts";
import { createLocalUser, deleteLocalUser } from "./users.ts";

const noPersist = { auth: { persistSession: false, autoRefreshToken: false } };

async function withStack(
  run: (
    ctx: { url: string; sql: Sql; email: string; password: string; userId: string },
  ) => Promise<void>,
) {
  const stack = await startTestStack();
  const email = `auth-test-${uniqueSuffix()}@example.com`;
  const password = "correct horse battery";
  try {
    const user = await createLocalUser(stack.sql, email, password, { staff: true });
    await run({ url: stack.url, sql: stack.sql, email, password, userId: user.id });
  } finally {
    await deleteLocalUser(stack.sql, email);
    await stack.close();
  }
}

Deno.test("createAuthHandler() signs in with supabase-js and issues GoTrue-shaped tokens", async () => {
  await withStack(async ({ url, email, password, userId }) => {
    const client = createClient(url, localAnonKey, noPersist);
    const { data, error } = await client.auth.signInWithPassword({ email, password });
    assert.equal(error, null);
    const session = data.session!;
    assert.equal(session.token_type, "bearer");
    assert.equal(session.expires_in, 3600);
    assert.equal(session.user.id, userId);
    assert.equal(session.user.email, email);
    const header = JSON.parse(atob(session.access_token.split(".")[0]));
    assert.deepEqual(header, { alg: "ES256", kid: localKeys.signingKey.kid, typ: "JWT" });
    const claims = await verifyWithKeys(
      session.access_token,
      await tokenVerificationKeys("new", localKeys),
    );
    assert.equal(claims.sub, userId);
    assert.equal(claims.role, "authenticated");
    assert.equal(claims.aud, "authenticated");
    assert.equal(claims.email, email);
    assert.equal(typeof claims.session_id, "string");
    const { data: fetched, error: userError } = await client.auth.getUser();
    assert.equal(userError, null);
    assert.equal(fetched.user?.id, userId);
  });
});

Deno.test("createAuthHandler() rejects a wrong password and disabled sign-ups", async () => {
  await withStack(async ({ url, email }) => {
    const client = createClient(url, localAnonKey, noPersist);
    const { error } = await client.auth.signInWithPassword({ email, password: "wrong password" });
    assert.equal(error?.status, 400);
    assert.equal(error?.code, "invalid_credentials");
    const signUp = await client.auth.signUp({ email: "new@example.com", password: "whatever1" });
    assert.equal(signUp.error?.status, 422);
    assert.equal(signUp.error?.code, "signup_disabled");
  });
});

Deno.test("createAuthHandler() requires the apikey header like the Supabase gateway", async () => {
  await withStack(async ({ url }) => {
    const missing = await fetch(`${url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      body: "{}",
    });
    assert.equal(missing.status, 401);
    assert.deepEqual(await missing.json(), { message: "No API key found in request" });
    const forged = await signJwt({ role: "anon" }, "not-the-local-secret-not-the-local-secret");
    const bad = await fetch(`${url}/auth/v1/user`, { headers: { apikey: forged } });
    assert.equal(bad.status, 401);
    await bad.body?.cancel();
  });
});

Deno.test("GET /auth/v1/user answers the functions' staff check faithfully", async () => {
  await withStack(async ({ url, email, password, userId }) => {
    const client = createClient(url, localAnonKey, noPersist);
    const { data } = await client.auth.signInWithPassword({ email, password });
    const token = data.session!.access_token;
    const ok = await fetch(`${url}/auth/v1/user`, {
      headers: { authorization: `Bearer ${token}`, apikey: localAnonKey },
    });
    assert.equal(ok.status, 200);
    const user = await ok.json();
    assert.equal(user.id, userId);
    assert.equal(user.aud, "authenticated");
    assert.equal(user.role, "authenticated");
    assert.deepEqual(user.app_metadata, { provider: "email", providers: ["email"] });

    const noToken = await fetch(`${url}/auth/v1/user`, { headers: { apikey: localAnonKey } });
    assert.equal(noToken.status, 401);
    assert.equal((await noToken.json()).error_code, "no_authorization");

    const expired = await signJwt({
      sub: userId,
      role: "authenticated",
      exp: Math.floor(Date.now() / 1000) - 5,
    }, localJwtSecret);
    const late = await fetch(`${url}/auth/v1/user`, {
      headers: { authorization: `Bearer ${expired}`, apikey: localAnonKey },
    });
    assert.equal(late.status, 403);
    const body = await late.json();
    assert.equal(body.error_code, "bad_jwt");
    assert.match(body.msg, /expired/);

    const forged = await signJwt({ sub: userId, role: "authenticated" }, "x".repeat(40));
    const wrong = await fetch(`${url}/auth/v1/user`, {
      headers: { authorization: `Bearer ${forged}`, apikey: localAnonKey },
    });
    assert.equal(wrong.status, 403);
    await wrong.body?.cancel();
  });
});

Deno.test("refresh tokens rotate, and sign-out ends the session everywhere", async () => {
  await withStack(async ({ url, email, password }) => {
    const client = createClient(url, localAnonKey, noPersist);
    const { data } = await client.auth.signInWithPassword({ email, password });
    const first = data.session!;
    const refreshed = await client.auth.refreshSession({ refresh_token: first.refresh_token });
    assert.equal(refreshed.error, null);
    const second = refreshed.data.session!;
    assert.notEqual(second.refresh_token, first.refresh_token);
    // Within GoTrue's reuse interval the old token yields the current child, not a new one.
    const raw = await fetch(`${url}/auth/v1/token?grant_type=refresh_token`, {
      method: "POST",
      headers: { apikey: localAnonKey, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: first.refresh_token }),
    });
    assert.equal(raw.status, 200);
    assert.equal((await raw.json()).refresh_token, second.refresh_token);

    const { error } = await client.auth.signOut();
    assert.equal(error, null);
    const after = await fetch(`${url}/auth/v1/user`, {
      headers: { authorization: `Bearer ${second.access_token}`, apikey: localAnonKey },
    });
    assert.equal(after.status, 403);
    assert.equal((await after.json()).error_code, "session_not_found");
    const again = await fetch(`${url}/auth/v1/token?grant_type=refresh_token`, {
      method: "POST",
      headers: { apikey: localAnonKey, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: second.refresh_token }),
    });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error_code, "refresh_token_not_found");
  });
});

Deno.test("a refresh token reused after the reuse interval ends the whole session", async () => {
  await withStack(async ({ url, sql, email, password }) => {
    const client = createClient(url, localAnonKey, noPersist);
    const { data } = await client.auth.signInWithPassword({ email, password });
    const first = data.session!;
    const refreshed = await client.auth.refreshSession({ refresh_token: first.refresh_token });
    const second = refreshed.data.session!;
    // Age the rotation past GoTrue's 10-second reuse interval instead of waiting for it.
    await sql`
      update auth.refresh_tokens set updated_at = now() - interval '1 minute'
      where token = ${first.refresh_token}`;
    const grant = (refreshToken: string) =>
      fetch(`${url}/auth/v1/token?grant_type=refresh_token`, {
        method: "POST",
        headers: { apikey: localAnonKey, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    const stolen = await grant(first.refresh_token);
    assert.equal(stolen.status, 400);
    assert.equal((await stolen.json()).error_code, "refresh_token_already_used");
    const current = await grant(second.refresh_token);
    assert.equal(current.status, 400);
    assert.equal((await current.json()).error_code, "refresh_token_not_found");
  });
});
