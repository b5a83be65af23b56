// Acceptance for the schedule: each pg_cron job's own command, run against the local stack with
// the local pg_net worker, really starts the functions and changes data (sync-entity answers the
// scheduler's respond-async call with 202 and the run, carrying the call's id, decides the
// outcome); with the functions stopped or failing, or a 202 that starts no run, the same commands
// lead to a failed run and a red health, never a success; the calls are signed, never carry the
// secret; and no secret value ends up in cron.job, a migration, sync_log or the worker's log.
import assert from "node:assert/strict";
import {
  callIdHeader,
  signatureHeader,
  verifySchedulerSignature,
} from "../../supabase/functions/_shared/auth/scheduler_signature.ts";
import { startLocalApi } from "../api/server.ts";
import { startNetWorker } from "../net_worker.ts";
import {
  connect,
  type ReceivedRequest,
  type Sql,
  startStubServer,
  testDatabaseUrl,
  waitFor,
  waitForResponse,
} from "../net_worker_test_support.ts";
import { repoRoot } from "../paths.ts";
import { startSyncStack, testSyncSecret } from "../testing/sync_stack.ts";
import { runJobCommand, withJobsPaused } from "./scheduled_job.ts";

interface CallRow {
  id: string;
  request_id: string | null;
  outcome: string;
  reason: string;
  function_name: string;
  error: string | null;
}

async function latestCall(sql: Sql, entity: string): Promise<CallRow> {
  const [call] = await sql<CallRow[]>`
    select id::text, request_id::text, outcome, reason, function_name, error
    from sync_private.scheduled_calls where entity = ${entity} order by id desc limit 1`;
  assert.ok(call, `a scheduled call for ${entity} was recorded`);
  return call;
}

async function entityHealth(url: string, entity: string) {
  const reply = await fetch(`${url}/functions/v1/health`, {
    headers: { "x-sync-secret": testSyncSecret },
  });
  const body = await reply.json();
  return {
    httpStatus: reply.status,
    ...body.entities.find((e: { entity: string }) => e.entity === entity),
  };
}

Deno.test("the cron commands start the real function, and a stopped function shows as failed", async () => {
  const stack = await startSyncStack({ simulator: { seed: 51, scale: "demo" } });
  const { sql } = stack;
  const logs: string[] = [];
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: (l) => logs.push(l) });
  const vault = { projectUrl: stack.api.url, syncSecret: testSyncSecret };
  let apiStopped = false;
  try {
    await worker.ready;
    await withJobsPaused(sql, async () => {
      await sql`delete from sync_private.scheduled_calls where entity = 'outlets'`;
      assert.equal((await sql`select 1 from public.lightspeed_outlets`).length, 0);

      // The dispatcher's command queues the call; the worker sends it; the function accepts it
      // at once and runs in the background, on a run that carries the call's id.
      await runJobCommand(sql, "sync-dispatch", { entities: ["outlets"], vault });
      const call = await latestCall(sql, "outlets");
      assert.equal(call.function_name, "sync-entity");
      const accepted = await waitForResponse(sql, call.request_id!);
      assert.equal(accepted.status_code, 202);
      assert.equal(JSON.parse(accepted.content!).status, "accepted");
      const run = await waitFor("the scheduled run to end", async () => {
        const [row] = await sql`
          select id, status, trigger from public.sync_log where call_id = ${call.id}::bigint`;
        return row && row.status !== "running" ? row : undefined;
      }, 30_000);
      assert.equal(run.id, JSON.parse(accepted.content!).run_id);
      assert.equal(run.status, "completed");
      assert.match(run.trigger, /^(schedule|overlap)$/);
      const [{ outlets }] = await sql`
        select count(*)::int as outlets from public.lightspeed_outlets`;
      assert.ok(outlets > 0, "the scheduled run wrote the store's outlets");

      await runJobCommand(sql, "sync-reconcile");
      assert.equal((await latestCall(sql, "outlets")).outcome, "succeeded");
      // The freshness colour: the schedule is off again outside the job's own transaction, so
      // the entity's state is `off` (health_test.ts).
      assert.equal((await entityHealth(stack.api.url, "outlets")).colour, "green");

      // Functions stopped: the same commands end in a failed run and a red entity.
      await stack.api.stop();
      apiStopped = true;
      await sql`update public.sync_state set last_run_at = now() - interval '2 hours'
        where entity = 'outlets'`;
      await sql`delete from sync_private.scheduled_calls where entity = 'outlets'`;
      await runJobCommand(sql, "sync-dispatch", { entities: ["outlets"], vault });
      const failedCall = await latestCall(sql, "outlets");
      const refused = await waitForResponse(sql, failedCall.request_id!);
      assert.equal(refused.error_msg, "Couldn't connect to server");

      await runJobCommand(sql, "sync-reconcile");
      const [failure] = await sql`
        select l.status, l.trigger, l.error, st.last_status, st.last_error
        from public.sync_log as l join public.sync_state as st on st.last_run_id = l.id
        where l.entity = 'outlets'`;
      assert.deepEqual({ ...failure }, {
        status: "failed",
        trigger: "schedule",
        error: "scheduled call to sync-entity failed: Couldn't connect to server",
        last_status: "failed",
        last_error: "scheduled call to sync-entity failed: Couldn't connect to server",
      });
      assert.equal((await latestCall(sql, "outlets")).outcome, "failed");

      const revived = startLocalApi({
        port: 0,
        databaseUrl: testDatabaseUrl,
        functionsEnv: {
          LIGHTSPEED_API_BASE_URL: stack.simulator.apiBaseUrl,
          LIGHTSPEED_TOKEN: stack.simulator.token,
          SYNC_SECRET: testSyncSecret,
        },
      });
      try {
        const health = await entityHealth(revived.url, "outlets");
        assert.equal(health.httpStatus, 503);
        assert.equal(health.colour, "red", "a failed scheduled call is never shown as green");
      } finally {
        await revived.stop();
      }
    });
  } finally {
    await worker.stop();
    if (!apiStopped) await stack.api.stop();
    await stack.simulator.stop();
    await sql.end({ timeout: 5 });
  }
});

/** Whether a request the stub received carries a valid scheduler signature under `secret`. */
async function signedWith(request: ReceivedRequest, secret: string): Promise<boolean> {
  const check = await verifySchedulerSignature({
    signature: request.headers.get(signatureHeader),
    callId: request.headers.get(callIdHeader),
    body: request.body,
  }, secret);
  return check.valid;
}

const ownEntities = ["test_ops_503", "test_ops_import", "test_ops_accepted"];

async function removeOwnEntities(sql: Sql): Promise<void> {
  await sql`delete from sync_private.scheduled_calls where entity = any(${ownEntities})`;
  await sql`delete from public.sync_log where entity = any(${ownEntities})`;
  await sql`delete from public.sync_state where entity = any(${ownEntities})`;
  await sql`delete from public.sync_settings where entity = any(${ownEntities})`;
}

/** A stand-in for the functions: import-history accepts, sync-entity fails or accepts idly. */
function answerAsStub(request: ReceivedRequest): Response {
  if (request.path.endsWith("/import-history")) {
    return Response.json({ import_id: crypto.randomUUID(), entities: ["test_ops_import"] }, {
      status: 202,
    });
  }
  if (JSON.parse(request.body).entity === "test_ops_accepted") {
    // Accepted, but no run is ever opened (nothing writes sync_log here).
    return Response.json({ entity: "test_ops_accepted", status: "accepted", run_id: 1 }, {
      status: 202,
    });
  }
  return new Response("{}", { status: 503, headers: { "sb-error-code": "BOOT_ERROR" } });
}

Deno.test("a 5xx answer, or a 202 that starts no run, is a failed run; an abandoned import is continued", async () => {
  const sql = await connect();
  const server = startStubServer(answerAsStub);
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
  const secret = `stub-secret-${crypto.randomUUID()}`;
  try {
    await worker.ready;
    await removeOwnEntities(sql);
    await sql`insert into public.sync_settings (entity) values ${sql(ownEntities.map((e) => [e]))}`;
    await sql`insert into public.sync_state (entity, import_status, lease_expires_at, updated_at)
      values ('test_ops_import', 'running', now() - interval '10 minutes',
        now() - interval '10 minutes')`;

    await withJobsPaused(sql, async () => {
      await runJobCommand(sql, "sync-dispatch", {
        entities: ownEntities,
        vault: { projectUrl: server.url, syncSecret: secret },
      });
      for (const entity of ownEntities) {
        await waitForResponse(sql, (await latestCall(sql, entity)).request_id!);
      }
      await runJobCommand(sql, "sync-reconcile");
      // The 202 is given two minutes to show its run: make the call that old, then look again.
      assert.equal((await latestCall(sql, "test_ops_accepted")).outcome, "pending");
      await sql`update sync_private.scheduled_calls
        set requested_at = requested_at - interval '3 minutes'
        where entity = 'test_ops_accepted'`;
      await runJobCommand(sql, "sync-reconcile");
    });

    const received = Object.fromEntries(
      server.received.map((r) => [JSON.parse(r.body).entity ?? r.path, r]),
    );
    assert.deepEqual(JSON.parse(received["/functions/v1/import-history"].body), {
      entities: ["test_ops_import"],
    });
    const syncCall = received["test_ops_503"].headers;
    assert.equal(syncCall.get("x-sync-secret"), null, "the secret itself is never sent");
    assert.equal(syncCall.get("prefer"), "respond-async");
    assert.equal(syncCall.get("x-sync-call-id"), (await latestCall(sql, "test_ops_503")).id);
    assert.ok(await signedWith(received["test_ops_503"], secret), "sync-entity's call is signed");
    const importCall = received["/functions/v1/import-history"].headers;
    assert.equal(importCall.get("prefer"), null, "import-history answers at once anyway");
    assert.equal(importCall.get("x-sync-call-id"), (await latestCall(sql, "test_ops_import")).id);
    assert.ok(
      await signedWith(received["/functions/v1/import-history"], secret),
      "import-history's call is signed",
    );
    assert.equal((await latestCall(sql, "test_ops_import")).outcome, "succeeded");
    const [failed] = await sql`
      select l.status, l.error, st.last_status from public.sync_log as l
      join public.sync_state as st using (entity) where l.entity = 'test_ops_503'`;
    assert.deepEqual({ ...failed }, {
      status: "failed",
      error: "scheduled call failed: HTTP 503 from sync-entity (BOOT_ERROR)",
      last_status: "failed",
    });
    const accepted = await latestCall(sql, "test_ops_accepted");
    const [idle] = await sql`
      select l.status, l.error, st.last_status from public.sync_log as l
      join public.sync_state as st using (entity) where l.entity = 'test_ops_accepted'`;
    assert.deepEqual({ ...idle }, {
      status: "failed",
      error: "scheduled call to sync-entity was accepted (HTTP 202) but no run with its call id " +
        `${accepted.id} started within 2 minutes`,
      last_status: "failed",
    });
    assert.equal(accepted.outcome, "failed");
  } finally {
    await removeOwnEntities(sql).catch(() => {});
    await worker.stop();
    await server.stop();
    await sql.end();
  }
});

Deno.test("no secret value appears in cron.job, migrations, sync_log or the worker's log", async () => {
  const sql = await connect();
  const logs: string[] = [];
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: (l) => logs.push(l) });
  const secret = `grep-me-${crypto.randomUUID()}`;
  const server = startStubServer(() => new Response("nope", { status: 500 }));
  const entity = "test_ops_503";
  try {
    await worker.ready;
    await removeOwnEntities(sql);
    await sql`insert into public.sync_settings (entity) values (${entity})`;
    await withJobsPaused(sql, async () => {
      await runJobCommand(sql, "sync-dispatch", {
        entities: [entity],
        vault: { projectUrl: server.url, syncSecret: secret },
      });
      await waitForResponse(sql, (await latestCall(sql, entity)).request_id!);
      await runJobCommand(sql, "sync-reconcile");
    });
    await waitFor("the failed run", async () => {
      const rows = await sql`select 1 from public.sync_log where entity = ${entity}`;
      return rows.length > 0 ? true : undefined;
    });
    assert.equal(server.received[0].headers.get("x-sync-secret"), null, "the secret was sent");
    assert.ok(await signedWith(server.received[0], secret), "the call was signed instead");

    const secrets = [secret, testSyncSecret];
    const localEnv = await Deno.readTextFile(`${repoRoot}supabase/functions/.env`).catch(
      (error) => {
        // No local functions .env, no local secret to look for; any other error is the test's.
        if (error instanceof Deno.errors.NotFound) return "";
        throw error;
      },
    );
    const localSecret = localEnv.match(/^SYNC_SECRET=(.+)$/m)?.[1]?.trim();
    if (localSecret) secrets.push(localSecret);

    const [{ jobs }] = await sql`select coalesce(string_agg(command, ' '), '') as jobs
      from cron.job`;
    const [{ runs }] = await sql`select coalesce(string_agg(command || ' ' ||
      coalesce(return_message, ''), ' '), '') as runs from cron.job_run_details`;
    const [{ log }] = await sql`select coalesce(string_agg(row_to_json(l)::text, ' '), '') as log
      from public.sync_log as l`;
    const [{ calls }] = await sql`select coalesce(string_agg(row_to_json(c)::text, ' '), '')
      as calls from sync_private.scheduled_calls as c`;
    const migrations = [];
    for await (const file of Deno.readDir(`${repoRoot}supabase/migrations`)) {
      migrations.push(await Deno.readTextFile(`${repoRoot}supabase/migrations/${file.name}`));
    }
    const places = {
      "cron.job": jobs,
      "cron.job_run_details": runs,
      "sync_log": log,
      "scheduled_calls": calls,
      "migrations": migrations.join("\n"),
      "worker log": logs.join("\n"),
    };
    assert.ok(log.includes("HTTP 500 from sync-entity"), "the failure itself was recorded");
    for (const [place, text] of Object.entries(places)) {
      for (const value of secrets) {
        assert.ok(!text.includes(value), `a secret value appears in ${place}`);
      }
    }
  } finally {
    await removeOwnEntities(sql).catch(() => {});
    await worker.stop();
    await server.stop();
    await sql.end();
  }
});
