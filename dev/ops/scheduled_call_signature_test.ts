// End to end over real HTTP: the dispatcher's own cron command signs a call, the local pg_net
// worker sends it, the functions (their own process) accept it; the same request sent again is
// refused with a 401 that says why, and the functions' log says the same. Nothing the
// scheduler queued holds the secret, and anon and authenticated can read none of pg_net's
// tables while it sits there.
import assert from "node:assert/strict";
import { type RunningSimulator, startSimulator } from "../../simulator/mod.ts";
import {
  callIdHeader,
  schedulerSignature,
  signatureHeader,
} from "../../supabase/functions/_shared/auth/scheduler_signature.ts";
import { startNetWorker } from "../net_worker.ts";
import { connect, testDatabaseUrl, waitFor, waitForResponse } from "../net_worker_test_support.ts";
import { startFunctionsProcess } from "../testing/functions_process.ts";
import { resetSyncData } from "../testing/database.ts";
import { apiRoles, searchSecrets } from "../testing/secret_search.ts";
import { testSyncSecret } from "../testing/sync_stack.ts";
import { runJobCommand, withJobsPaused } from "./scheduled_job.ts";

function startFunctions(simulator: RunningSimulator) {
  return startFunctionsProcess({
    LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
    LIGHTSPEED_TOKEN: simulator.token,
    SYNC_SECRET: testSyncSecret,
    SUPABASE_DB_URL: testDatabaseUrl,
  });
}

interface QueuedCall {
  call_id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

Deno.test("a scheduled call is signed and accepted once; its replay is refused with a 401", async () => {
  const sql = await connect();
  const simulator = await startSimulator({ port: 0, seed: 52, scale: "demo" });
  const functions = await startFunctions(simulator);
  const worker = { current: null as ReturnType<typeof startNetWorker> | null };
  try {
    await resetSyncData(sql);
    await sql`delete from sync_private.scheduled_calls where entity = 'outlets'`;
    const queued = await withJobsPaused(sql, async () => {
      // No worker yet: the call stays in pg_net's queue, where the API roles look for it.
      await runJobCommand(sql, "sync-dispatch", {
        entities: ["outlets"],
        vault: { projectUrl: functions.url, syncSecret: testSyncSecret },
      });
      const [call] = await sql<QueuedCall[]>`
        select c.id::text as call_id, q.url, q.headers, convert_from(q.body, 'UTF8') as body
        from sync_private.scheduled_calls as c
        join net.http_request_queue as q on q.id = c.request_id
        where c.entity = 'outlets'`;
      assert.ok(call, "the dispatcher queued a call for outlets");
      for (const role of apiRoles) {
        const search = await searchSecrets(sql, [testSyncSecret], { role, schemas: ["net"] });
        assert.deepEqual(search.found, [], `${role} finds the secret`);
        assert.deepEqual(
          search.refused,
          ["net._http_response", "net.http_request_queue"],
          `${role} may read pg_net's tables`,
        );
      }
      const owner = await searchSecrets(sql, [testSyncSecret], { schemas: ["net"] });
      assert.deepEqual(owner.found, [], "the queued request holds the secret");
      return call;
    });
    assert.equal(queued.headers[callIdHeader], queued.call_id);
    assert.equal(queued.headers["x-sync-secret"], undefined);

    worker.current = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
    const [{ request_id }] = await sql`
      select request_id::text from sync_private.scheduled_calls where id = ${queued.call_id}::bigint`;
    const accepted = await waitForResponse(sql, request_id);
    assert.equal(accepted.status_code, 202, `the signed call is accepted: ${accepted.content}`);
    const run = await waitFor("the scheduled run to end", async () => {
      const [row] = await sql`
        select status, trigger from public.sync_log where call_id = ${queued.call_id}::bigint`;
      return row && row.status !== "running" ? row : undefined;
    }, 30_000);
    assert.equal(run.status, "completed");

    // The very request pg_net sent, sent again within its validity window.
    const replay = await fetch(queued.url, {
      method: "POST",
      headers: queued.headers,
      body: queued.body,
    });
    const reason =
      `Scheduler signature refused: call id ${queued.call_id} was already received (a replayed request)`;
    assert.equal(replay.status, 401);
    assert.deepEqual(await replay.json(), { error: reason });
    await waitFor(
      "the refusal in the functions' log",
      () => Promise.resolve(functions.output().includes(reason) ? true : undefined),
    );
    assert.ok(!functions.output().includes(testSyncSecret), "the functions' log holds the secret");
  } finally {
    await worker.current?.stop();
    await functions.stop();
    await simulator.stop();
    await sql`delete from sync_private.scheduled_calls where entity = 'outlets'`;
    await sql.end();
  }
});

Deno.test("a scheduler signature may continue an import but never restart one", async () => {
  const sql = await connect();
  const simulator = await startSimulator({ port: 0, seed: 53, scale: "demo" });
  const functions = await startFunctions(simulator);
  try {
    const body = JSON.stringify({ entities: ["outlets"], restart: true });
    const [call] = await sql<{ id: string }[]>`
      insert into sync_private.scheduled_calls (
        entity, function_name, reason, body, requested_at, timeout_ms
      )
      values ('outlets', 'import-history', 'import', ${body}::jsonb, now(), 5000)
      returning id::text`;
    const signature = await schedulerSignature(
      testSyncSecret,
      Math.floor(Date.now() / 1000),
      call.id,
      body,
    );
    const reply = await fetch(`${functions.url}/functions/v1/import-history`, {
      method: "POST",
      headers: { [callIdHeader]: call.id, [signatureHeader]: signature },
      body,
    });
    assert.equal(reply.status, 403);
    assert.match((await reply.json()).error, /restart needs the x-sync-secret header/);
    const [state] = await sql`select count(*)::int as n from public.sync_state
      where entity = 'outlets' and import_status is not null`;
    assert.equal(state.n, 0, "no import was started or reset");
  } finally {
    await functions.stop();
    await simulator.stop();
    await sql`delete from sync_private.scheduled_calls where entity = 'outlets'`;
    await sql.end();
  }
});
