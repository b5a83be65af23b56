// The stand-in's TOTP factors through supabase-js, as strict as GoTrue: a wrong code, a used
// or expired challenge refused; aal2 and amr in the token after a right code, kept on refresh;
// a verified factor needs aal2 to add another or to remove it.
import assert from "node:assert/strict";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { localAnonKey } from "../local_keys.ts";
import { startTestStack, type TestStack, uniqueSuffix } from "./test_stack.ts";
import { totpCode } from "./totp.ts";
import { createLocalUser, deleteLocalUser } from "./users.ts";

const noPersist = { auth: { persistSession: false, autoRefreshToken: false } };
const password = "correct horse battery";

function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
  return JSON.parse(atob(payload));
}

async function signedIn(stack: TestStack, email: string): Promise<SupabaseClient> {
  const client = createClient(stack.url, localAnonKey, noPersist);
  const { error } = await client.auth.signInWithPassword({ email, password });
  assert.equal(error, null);
  return client;
}

async function withUser(run: (stack: TestStack, email: string) => Promise<void>) {
  const stack = await startTestStack();
  const email = `mfa-test-${uniqueSuffix()}@example.com`;
  try {
    await createLocalUser(stack.sql, email, password, { staff: true });
    await run(stack, email);
  } finally {
    await deleteLocalUser(stack.sql, email);
    await stack.close();
  }
}

/** Enrolls and verifies a TOTP factor; returns its id and secret. */
async function enrollVerified(client: SupabaseClient) {
  const enrolled = await client.auth.mfa.enroll({ factorType: "totp", friendlyName: "phone" });
  assert.equal(enrolled.error, null);
  const { id, totp } = enrolled.data!;
  assert.match(totp.uri, /^otpauth:\/\/totp\/.*secret=/);
  const challenge = await client.auth.mfa.challenge({ factorId: id });
  assert.equal(challenge.error, null);
  const wrong = await client.auth.mfa.verify({
    factorId: id,
    challengeId: challenge.data!.id,
    code: (Number(await totpCode(totp.secret)) + 1).toString().padStart(6, "0").slice(-6),
  });
  assert.equal(wrong.error?.code, "mfa_verification_failed");
  const right = await client.auth.mfa.verify({
    factorId: id,
    challengeId: challenge.data!.id,
    code: await totpCode(totp.secret),
  });
  assert.equal(right.error, null);
  return { id, secret: totp.secret, challengeId: challenge.data!.id };
}

Deno.test("MFA: a verified TOTP code raises the session to aal2 and refresh keeps it", async () => {
  await withUser(async (stack, email) => {
    const client = await signedIn(stack, email);
    const before = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    assert.deepEqual([before.data?.currentLevel, before.data?.nextLevel], ["aal1", "aal1"]);
    const { id, secret, challengeId } = await enrollVerified(client);

    const session = (await client.auth.getSession()).data.session!;
    const claims = claimsOf(session.access_token);
    assert.equal(claims.aal, "aal2");
    assert.deepEqual((claims.amr as { method: string }[]).map((a) => a.method).sort(), [
      "password",
      "totp",
    ]);
    const factors = await client.auth.mfa.listFactors();
    assert.deepEqual(factors.data?.totp.map((f) => f.id), [id]);

    // The used challenge is refused even with a right code.
    const reused = await client.auth.mfa.verify({
      factorId: id,
      challengeId,
      code: await totpCode(secret),
    });
    assert.equal(reused.error?.status, 422);

    const refreshed = await client.auth.refreshSession();
    assert.equal(refreshed.error, null);
    assert.equal(claimsOf(refreshed.data.session!.access_token).aal, "aal2");
  });
});

Deno.test("MFA: an expired challenge and a factor of another user are refused", async () => {
  await withUser(async (stack, email) => {
    const client = await signedIn(stack, email);
    const enrolled = await client.auth.mfa.enroll({ factorType: "totp" });
    const factorId = enrolled.data!.id;
    const challenge = await client.auth.mfa.challenge({ factorId });
    await stack.sql`
      update auth.mfa_challenges set created_at = now() - interval '301 seconds'
      where id = ${challenge.data!.id}`;
    const expired = await client.auth.mfa.verify({
      factorId,
      challengeId: challenge.data!.id,
      code: await totpCode(enrolled.data!.totp.secret),
    });
    assert.equal(expired.error?.code, "mfa_challenge_expired");
    const unknown = await client.auth.mfa.challenge({ factorId: crypto.randomUUID() });
    assert.equal(unknown.error?.code, "mfa_factor_not_found");
    const other = await client.auth.mfa.enroll({ factorType: "phone", phone: "+15555550100" });
    assert.equal(other.error?.code, "mfa_phone_enroll_not_enabled");
  });
});

Deno.test("MFA: with a verified factor, aal1 may neither add nor remove factors", async () => {
  await withUser(async (stack, email) => {
    const first = await signedIn(stack, email);
    const { id } = await enrollVerified(first);
    const second = await signedIn(stack, email);
    const level = await second.auth.mfa.getAuthenticatorAssuranceLevel();
    assert.deepEqual([level.data?.currentLevel, level.data?.nextLevel], ["aal1", "aal2"]);
    const add = await second.auth.mfa.enroll({ factorType: "totp", friendlyName: "laptop" });
    assert.equal(add.error?.code, "insufficient_aal");
    const remove = await second.auth.mfa.unenroll({ factorId: id });
    assert.equal(remove.error?.code, "insufficient_aal");
    const removed = await first.auth.mfa.unenroll({ factorId: id });
    assert.equal(removed.error, null);
    const [session] = await stack.sql`
      select aal from auth.sessions where user_id = (select id from auth.users where email = ${email})
        and aal = 'aal2'`;
    assert.equal(session, undefined, "no session stays at aal2 once its factor is gone");
  });
});
