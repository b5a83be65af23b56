// `deno task functions:serve` is the local stack's pg_net too: it stores the Vault values the
// pg_cron jobs read (never printing them) and sends the jobs' calls to its own functions, so the
// dispatcher's own command reaches a function with nothing else running. On another port it
// stays out of the way unless asked (tests and the benchmark run their own worker and Vault).
import assert from "node:assert/strict";
import {
  connect,
  type Sql,
  startStubServer,
  testDatabaseUrl,
  waitFor,
  waitForResponse,
} from "./net_worker_test_support.ts";
import { runJobCommand, withJobsPaused } from "./ops/scheduled_job.ts";
import { type FunctionsProcess, startFunctionsProcess } from "./testing/functions_process.ts";

const entity = "test_serve_unknown";

function serveEnv(secret: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SUPABASE_DB_URL: testDatabaseUrl,
    SYNC_SECRET: secret,
    // Never reached: the call below is refused before any Lightspeed request.
    LIGHTSPEED_DOMAIN_PREFIX: "",
    LIGHTSPEED_API_BASE_URL: "http://127.0.0.1:9/api/2.0",
    LIGHTSPEED_TOKEN: "serve-test-token",
    ...extra,
  };
}

/** The stored Vault rows, put back as they were when `work` ends (the database is shared). */
async function withVaultRestored<T>(sql: Sql, work: () => Promise<T>): Promise<T> {
  const saved = await sql`select * from vault.secrets where name in ('project_url', 'sync_secret')`;
  try {
    return await work();
  } finally {
    await sql.begin(async (tx) => {
      await tx`delete from vault.secrets where name in ('project_url', 'sync_secret')`;
      for (const row of saved) await tx`insert into vault.secrets ${tx(row)}`;
    });
  }
}

async function vaultValues(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql<{ name: string; decrypted_secret: string }[]>`
    select name, decrypted_secret from vault.decrypted_secrets
    where name in ('project_url', 'sync_secret')`;
  return Object.fromEntries(rows.map((r) => [r.name, r.decrypted_secret]));
}

async function removeOwnEntity(sql: Sql): Promise<void> {
  await sql`delete from sync_private.scheduled_calls where entity = ${entity}`;
  await sql`delete from public.sync_log where entity = ${entity}`;
  await sql`delete from public.sync_state where entity = ${entity}`;
  await sql`delete from public.sync_settings where entity = ${entity}`;
}

function waitForLine(serve: FunctionsProcess, pattern: RegExp): Promise<true> {
  return waitFor(
    `the line ${pattern}`,
    () => Promise.resolve(pattern.test(serve.output()) || undefined),
  );
}

Deno.test("functions:serve stores the Vault values and sends the dispatcher's calls to its functions", async () => {
  const sql = await connect();
  const secret = `serve-test-secret-${crypto.randomUUID()}`;
  await withVaultRestored(sql, async () => {
    const serve = await startFunctionsProcess(serveEnv(secret, { LOCAL_PG_NET: "on" }));
    try {
      await waitForLine(serve, /^Local pg_net sender: sends the scheduled calls to /m);
      assert.deepEqual(await vaultValues(sql), { project_url: serve.url, sync_secret: secret });

      await removeOwnEntity(sql);
      await sql`insert into public.sync_settings (entity) values (${entity})`;
      await withJobsPaused(sql, async () => {
        // The job's own command with the Vault values functions:serve stored (no override).
        await runJobCommand(sql, "sync-dispatch", { entities: [entity] });
      });
      const [call] = await sql<{ request_id: string; function_name: string }[]>`
        select request_id::text, function_name from sync_private.scheduled_calls
        where entity = ${entity} order by id desc limit 1`;
      assert.equal(call.function_name, "sync-entity");
      const response = await waitForResponse(sql, call.request_id);
      // 400 (unknown entity), not 401: the call carried the right secret to the right function.
      assert.equal(response.status_code, 400, response.content ?? "");
      assert.match(response.content ?? "", /test_serve_unknown/);
      await waitForLine(serve, new RegExp(`^net ${call.request_id}: POST ${serve.url}/`, "m"));
      assert.ok(!serve.output().includes(secret), "the secret was printed");
    } finally {
      await serve.stop();
      await removeOwnEntity(sql).catch(() => {});
    }
  }).finally(() => sql.end());
});

Deno.test("functions:serve leaves other requests, and other ports' Vault, alone", async () => {
  const sql = await connect();
  const stub = startStubServer();
  const secret = `serve-test-secret-${crypto.randomUUID()}`;
  await withVaultRestored(sql, async () => {
    await sql`select vault.create_secret('http://kept.invalid', 'project_url')
      where not exists (select 1 from vault.secrets where name = 'project_url')`;
    const before = await vaultValues(sql);
    // Not on the local stack's port and not asked: no sender, Vault untouched.
    const quiet = await startFunctionsProcess(serveEnv(secret));
    try {
      await waitForLine(quiet, /^Local pg_net sender: off \(LOCAL_PG_NET=on starts it/m);
      assert.deepEqual(await vaultValues(sql), before);
    } finally {
      await quiet.stop();
    }

    // With the sender on, a request addressed elsewhere stays queued for another worker.
    const serve = await startFunctionsProcess(serveEnv(secret, { LOCAL_PG_NET: "on" }));
    let id = "";
    try {
      await waitForLine(serve, /^Local pg_net sender: sends the scheduled calls to /m);
      [{ id }] = await sql`select net.http_get(url := ${stub.url + "/elsewhere"})::text as id`;
      const [{ id: own }] = await sql`
        select net.http_get(url := ${serve.url + "/functions/v1/health"})::text as id`;
      const answer = (await waitForResponse(sql, own)).status_code;
      assert.ok(answer === 200 || answer === 503, `health answered ${answer}`);
      // Queued first, so an unfiltered worker would have taken it before the health call.
      const [{ queued }] = await sql`
        select count(*)::int as queued from net.http_request_queue where id = ${id}::bigint`;
      assert.equal(queued, 1, "the request addressed elsewhere is still queued");
    } finally {
      await serve.stop();
      await sql`delete from net.http_request_queue where id = ${id || "0"}::bigint`;
    }
    assert.equal(stub.received.length, 0);
  }).finally(async () => {
    await stub.stop();
    await sql.end();
  });
});
