// The local pg_net worker against the real local database and real HTTP servers.
import assert from "node:assert/strict";
import { startNetWorker } from "./net_worker.ts";
import {
  closedPort,
  connect,
  startStubServer,
  testDatabaseUrl,
  waitForResponse,
} from "./net_worker_test_support.ts";

Deno.test("a committed net.http_post is sent and its answer recorded like pg_net does", async () => {
  const sql = await connect();
  const server = startStubServer((request) =>
    new Response(JSON.stringify({ got: JSON.parse(request.body) }), {
      status: 201,
      headers: { "content-type": "application/json", "x-answer": "yes" },
    })
  );
  const lines: string[] = [];
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: (l) => lines.push(l) });
  try {
    await worker.ready;
    const [{ id }] = await sql`
      select net.http_post(
        url := ${server.url + "/functions/v1/sync-entity"},
        body := '{"entity": "sales"}'::jsonb,
        headers := '{"x-sync-secret": "worker-test-secret"}'::jsonb,
        timeout_milliseconds := 5000
      )::text as id`;
    const row = await waitForResponse(sql, id);

    assert.equal(row.status_code, 201);
    assert.equal(row.content_type, "application/json");
    assert.equal(row.headers?.["x-answer"], "yes");
    assert.deepEqual(JSON.parse(row.content ?? ""), { got: { entity: "sales" } });
    assert.equal(row.timed_out, false);
    assert.equal(row.error_msg, null);

    const [received] = server.received;
    assert.equal(received.method, "POST");
    assert.equal(received.path, "/functions/v1/sync-entity");
    assert.equal(received.headers.get("x-sync-secret"), "worker-test-secret");
    assert.equal(received.headers.get("content-type"), "application/json");
    assert.deepEqual(JSON.parse(received.body), { entity: "sales" });

    const [{ queued }] = await sql`
      select count(*)::int as queued from net.http_request_queue where id = ${id}::bigint`;
    assert.equal(queued, 0, "the request leaves the queue when it is taken");
    // The line is written just after the response row; wait for the request to finish.
    await worker.idle();
    assert.ok(lines.some((l) => l.includes(`net ${id}: POST`) && l.includes("-> 201")));
    assert.ok(!lines.join("\n").includes("worker-test-secret"), "logs never show headers");
  } finally {
    await worker.stop();
    await server.stop();
    await sql.end();
  }
});

Deno.test("timeouts, refused connections and empty bodies are recorded as pg_net does", async () => {
  const sql = await connect();
  const slow = startStubServer(async (request) => {
    if (request.path === "/slow") await new Promise((r) => setTimeout(r, 1500));
    return new Response(null, { status: request.path === "/empty" ? 204 : 200 });
  });
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
  try {
    await worker.ready;
    const [ids] = await sql`
      select
        net.http_post(url := ${slow.url + "/slow"}, timeout_milliseconds := 200)::text as slow,
        net.http_get(url := ${`http://127.0.0.1:${closedPort()}/x`})::text as refused,
        net.http_get(url := ${slow.url + "/empty"})::text as empty`;

    const timedOut = await waitForResponse(sql, ids.slow);
    assert.equal(timedOut.timed_out, true);
    assert.equal(timedOut.status_code, null);
    assert.match(timedOut.error_msg ?? "", /^Timeout of 200 ms reached/);

    const refused = await waitForResponse(sql, ids.refused);
    assert.equal(refused.status_code, null);
    assert.equal(refused.timed_out, false);
    assert.equal(refused.error_msg, "Couldn't connect to server");

    const empty = await waitForResponse(sql, ids.empty);
    assert.equal(empty.status_code, 204);
    assert.equal(empty.content, null, "an empty body is stored as NULL");
  } finally {
    await worker.stop();
    await slow.stop();
    await sql.end();
  }
});

Deno.test("queued requests are sent concurrently, including ones queued before start", async () => {
  const sql = await connect();
  const server = startStubServer(async () => {
    await new Promise((r) => setTimeout(r, 400));
    return Response.json({ ok: true });
  });
  try {
    // Queued while no worker runs: found by the first poll, without a notification.
    const before = await sql`
      select net.http_get(url := ${server.url + "/early"})::text as id
      from generate_series(1, 3)`;
    const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
    try {
      await worker.ready;
      const after = await sql`
        select net.http_get(url := ${server.url + "/late"}, timeout_milliseconds := 5000)::text
          as id
        from generate_series(1, 5)`;
      const started = performance.now();
      for (const { id } of [...before, ...after]) {
        assert.equal((await waitForResponse(sql, id)).status_code, 200);
      }
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2000, `8 requests of 400 ms each took ${Math.round(elapsed)} ms`);
    } finally {
      await worker.stop();
    }
  } finally {
    await server.stop();
    await sql.end();
  }
});
