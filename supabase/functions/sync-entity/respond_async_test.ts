// sync-entity's Prefer: respond-async and x-sync-call-id, over real HTTP against the simulator
// and the local PostgreSQL.
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { createLocalUser, deleteLocalUser } from "../../../dev/api/auth/users.ts";
import { localAnonKey } from "../../../dev/api/local_keys.ts";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { startSyncStack, type SyncStack, testSyncSecret } from "../../../dev/testing/sync_stack.ts";

interface RunRow {
  status: string;
  call_id: string | null;
  trigger: string;
  records_received: number;
}

async function runRow(stack: SyncStack, runId: number): Promise<RunRow> {
  const [row] = await stack.sql<RunRow[]>`
    select status, call_id::text, trigger, records_received from public.sync_log
    where id = ${runId}`;
  assert.ok(row, `run ${runId} is recorded`);
  return row;
}

async function waitForRunEnd(stack: SyncStack, runId: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const row = await runRow(stack, runId);
    if (row.status !== "running") return row;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`run ${runId} was still running after ${timeoutMs} ms`);
}

Deno.test("Prefer: respond-async answers 202 within a second while the run goes on to complete", async () => {
  // Every Lightspeed request takes 3 s, the register probe included (nothing synced yet).
  const stack = await startSyncStack({
    simulator: { seed: 61, scale: "demo", latency: { baseMs: 3_000, perRecordMs: 0 } },
  });
  try {
    const started = performance.now();
    const reply = await fetch(`${stack.api.url}/functions/v1/sync-entity`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-sync-secret": testSyncSecret,
        "prefer": "wait=10, Respond-Async",
        "x-sync-call-id": "4242",
      },
      body: JSON.stringify({ entity: "outlets", trigger: "schedule" }),
    });
    const body = await reply.json();
    const elapsed = performance.now() - started;
    assert.equal(reply.status, 202, JSON.stringify(body));
    assert.ok(elapsed < 1_000, `the 202 took ${Math.round(elapsed)} ms`);
    assert.equal(reply.headers.get("preference-applied"), "respond-async");
    assert.deepEqual(Object.keys(body).sort(), ["entity", "run_id", "status"]);
    assert.equal(body.entity, "outlets");
    assert.equal(body.status, "accepted");
    assert.equal(typeof body.run_id, "number");
    assert.deepEqual(await runRow(stack, body.run_id), {
      status: "running",
      call_id: "4242",
      trigger: "schedule",
      records_received: 0,
    });

    // The entity is held: a second call is answered as without the preference.
    const second = await stack.invoke("sync-entity", { entity: "outlets" }, {
      prefer: "respond-async",
      "x-sync-call-id": "4243",
    });
    assert.equal(second.status, 200);
    assert.equal(second.body.status, "skipped");
    assert.equal((await runRow(stack, second.body.run_id)).call_id, "4243");

    const ended = await waitForRunEnd(stack, body.run_id, 30_000);
    assert.equal(ended.status, "completed");
    assert.equal(ended.call_id, "4242");
    assert.ok(ended.records_received > 0, JSON.stringify(ended));
    const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, [
      "outlets",
    ]);
    assert.deepEqual(comparison.mismatches, []);
  } finally {
    await stack.stop();
  }
});

Deno.test("without the preference sync-entity answers with the outcome; call ids only from the secret", async () => {
  const stack = await startSyncStack({ simulator: { seed: 62, scale: "demo" } });
  const email = `respond-async-staff-${crypto.randomUUID().slice(0, 8)}@example.com`;
  try {
    const operator = await stack.invoke("sync-entity", { entity: "outlets" }, {
      "x-sync-call-id": "77",
    });
    assert.equal(operator.status, 200);
    assert.equal(operator.body.status, "completed");
    assert.equal(operator.body.more, false);
    assert.equal((await runRow(stack, operator.body.run_id)).call_id, "77");

    const malformed = await stack.invoke("sync-entity", { entity: "outlets" }, {
      "x-sync-call-id": "0",
    });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error, /x-sync-call-id/);
    const [{ runs }] = await stack.sql`select count(*)::int as runs from public.sync_log`;
    assert.equal(runs, 1, "a refused call starts no run");

    await createLocalUser(stack.sql, email, "staff-password", { staff: true });
    const client = createClient(stack.api.url, localAnonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    });
    const session = await client.auth.signInWithPassword({ email, password: "staff-password" });
    const staff = await fetch(`${stack.api.url}/functions/v1/sync-entity`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${session.data.session!.access_token}`,
        "x-sync-call-id": "88",
      },
      body: JSON.stringify({ entity: "outlets" }),
    });
    const staffBody = await staff.json();
    assert.equal(staff.status, 200, JSON.stringify(staffBody));
    assert.equal(staffBody.status, "completed");
    const staffRun = await runRow(stack, staffBody.run_id);
    assert.equal(staffRun.trigger, "dashboard");
    assert.equal(staffRun.call_id, null, "a staff caller cannot name a scheduled call");
  } finally {
    await deleteLocalUser(stack.sql, email).catch(() => {});
    await stack.stop();
  }
});
