// The staff paths ("Sync now" on sync-entity, a staff import-history call) in each of the
// project's key modes, over real HTTP against the local stand-ins: a signed-in staff member is
// recognised with new keys only, legacy keys only, or both, as the dashboard calls.
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { createLocalUser, deleteLocalUser } from "../../../dev/api/auth/users.ts";
import { browserKeyOf, type KeyMode } from "../../../dev/api/key_mode.ts";
import { localKeys } from "../../../dev/api/local_keys.ts";
import { startFunctionsProcess } from "../../../dev/testing/functions_process.ts";
import { connectTestDatabase, testDatabaseUrl } from "../../../dev/testing/database.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";

const noPersist = { auth: { persistSession: false, autoRefreshToken: false } };

async function staffToken(url: string, key: string, email: string): Promise<string> {
  const client = createClient(url, key, noPersist);
  const { data, error } = await client.auth.signInWithPassword({
    email,
    password: "staff-pw-123456",
  });
  assert.equal(error, null);
  return data.session!.access_token;
}

/** A call as the dashboard makes it: the browser's key and the staff member's token. */
async function staffCall(
  stack: SyncStack,
  name: string,
  body: unknown,
  key: string,
  token: string,
) {
  const reply = await fetch(`${stack.api.url}/functions/v1/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", apikey: key, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: reply.status, body: await reply.json() };
}

async function waitForOutletsImport(stack: SyncStack): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const [row] = await stack.sql`
      select import_status from public.sync_state where entity = 'outlets'`;
    if (row?.import_status === "completed") return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the staff import of outlets did not complete");
}

for (const mode of ["new", "legacy", "both"] as const satisfies readonly KeyMode[]) {
  Deno.test(`${mode} keys: staff "Sync now" and a staff import run; a visitor is refused`, async () => {
    const stack = await startSyncStack({ keyMode: mode, simulator: { seed: 91, scale: "demo" } });
    const suffix = crypto.randomUUID().slice(0, 8);
    const staffEmail = `keys-staff-${suffix}@example.com`;
    const visitorEmail = `keys-visitor-${suffix}@example.com`;
    try {
      await createLocalUser(stack.sql, staffEmail, "staff-pw-123456", { staff: true });
      await createLocalUser(stack.sql, visitorEmail, "staff-pw-123456", { staff: false });
      const key = browserKeyOf(mode, localKeys);
      const token = await staffToken(stack.api.url, key, staffEmail);

      const sync = await staffCall(stack, "sync-entity", { entity: "outlets" }, key, token);
      assert.equal(sync.status, 200, JSON.stringify(sync.body));
      assert.equal(sync.body.status, "completed");
      const [run] = await stack
        .sql`select trigger from public.sync_log where id = ${sync.body.run_id}`;
      assert.equal(run.trigger, "dashboard");

      const imported = await staffCall(
        stack,
        "import-history",
        { entities: ["outlets"] },
        key,
        token,
      );
      assert.equal(imported.status, 202, JSON.stringify(imported.body));
      await waitForOutletsImport(stack);

      const visitor = await staffToken(stack.api.url, key, visitorEmail);
      const refused = await staffCall(stack, "sync-entity", { entity: "outlets" }, key, visitor);
      assert.equal(refused.status, 401);
    } finally {
      await deleteLocalUser(stack.sql, staffEmail).catch(() => {});
      await deleteLocalUser(stack.sql, visitorEmail).catch(() => {});
      await stack.stop();
    }
  });
}

Deno.test("a refused staff token is logged by the function with the reason, never the token", async () => {
  const functions = await startFunctionsProcess({
    LOCAL_API_KEYS: "new",
    LIGHTSPEED_DOMAIN_PREFIX: "keys-log-test",
    LIGHTSPEED_TOKEN: "unused-token",
    SYNC_SECRET: "keys-log-test-secret-0123456789",
    SUPABASE_DB_URL: testDatabaseUrl,
  });
  const email = `keys-log-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const db = await connectTestDatabase();
  try {
    await createLocalUser(db, email, "staff-pw-123456", { staff: true });
    const token = await staffToken(functions.url, localKeys.publishableKey, email);
    const [h, p, s] = token.split(".");
    const flipped = `${h}.${p}.${s.slice(0, 5)}${s[5] === "A" ? "B" : "A"}${s.slice(6)}`;
    const reply = await fetch(`${functions.url}/functions/v1/sync-entity`, {
      method: "POST",
      headers: { apikey: localKeys.publishableKey, authorization: `Bearer ${flipped}` },
      body: JSON.stringify({ entity: "outlets" }),
    });
    assert.equal(reply.status, 401);
    await reply.body?.cancel();
    const until = Date.now() + 5_000;
    while (!functions.output().includes("A staff sign-in was refused") && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const output = functions.output();
    assert.match(output, /A staff sign-in was refused: Invalid JWT signature/);
    assert.ok(
      !output.includes(p) && !output.includes(s.slice(6)),
      "no part of the token is logged",
    );
  } finally {
    await deleteLocalUser(db, email).catch(() => {});
    await db.end({ timeout: 5 });
    await functions.stop();
  }
});
