// The local pg_net worker against the real local database and real HTTP servers.
import assert from "node:assert/strict";
import { startNetWorker } from "./net_worker.ts";
import {
  closedPort,
  connect,
  type RequestsSnapshot,
  type RequestsWatch,
  type Sql,
  startStubServer,
  testDatabaseUrl,
  waitFor,
  waitForResponse,
  watchRequests,
} from "./net_worker_test_support.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Queues one GET per path in one statement (one commit, so one batch); ids in path order. */
async function queueGets(sql: Sql, baseUrl: string, paths: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select net.http_get(url := ${baseUrl}::text || p.path, timeout_milliseconds := 5000)::text
      as id
    from unnest(${paths}::text[]) with ordinality as p(path, n) order by p.n`;
  return rows.map((r) => r.id);
}

function firstWhere(
  snapshots: RequestsSnapshot[],
  test: (s: RequestsSnapshot) => boolean,
): RequestsSnapshot {
  const found = snapshots.find(test);
  assert.ok(found, `no snapshot matched among ${JSON.stringify(snapshots.slice(-3))}`);
  return found;
}

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

Deno.test("timeouts, refused connections, empty bodies and NUL bytes are recorded as pg_net does", async () => {
  const sql = await connect();
  const slow = startStubServer(async (request) => {
    if (request.path === "/slow") await new Promise((r) => setTimeout(r, 1500));
    if (request.path === "/nul") return new Response("before\0after");
    return new Response(null, { status: request.path === "/empty" ? 204 : 200 });
  });
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
  try {
    await worker.ready;
    const [ids] = await sql`
      select
        net.http_post(url := ${slow.url + "/slow"}, timeout_milliseconds := 200)::text as slow,
        net.http_get(url := ${`http://127.0.0.1:${closedPort()}/x`})::text as refused,
        net.http_get(url := ${slow.url + "/empty"})::text as empty,
        net.http_get(url := ${slow.url + "/nul"})::text as nul`;

    const timedOut = await waitForResponse(sql, ids.slow);
    assert.equal(timedOut.timed_out, true);
    assert.equal(timedOut.status_code, null);
    assert.equal(timedOut.content, null);
    assert.equal(timedOut.headers, null);
    // pg_net's wording (src/errors.c), with curl's six-decimal milliseconds.
    const f = String.raw`\d+\.\d{6}`;
    const timeoutMessage = new RegExp(
      `^Timeout of 200 ms reached\\. Total time: (${f}) ms \\(DNS time: ${f} ms, ` +
        `TCP/SSL handshake time: ${f} ms, HTTP Request/Response time: ${f} ms\\)$`,
    );
    const total = Number(timedOut.error_msg?.match(timeoutMessage)?.[1]);
    assert.ok(total >= 200 && total < 1000, `timeout message: ${timedOut.error_msg}`);

    const refused = await waitForResponse(sql, ids.refused);
    assert.equal(refused.status_code, null);
    assert.equal(refused.timed_out, false);
    assert.equal(refused.error_msg, "Couldn't connect to server");

    const empty = await waitForResponse(sql, ids.empty);
    assert.equal(empty.status_code, 204);
    assert.equal(empty.content, null, "an empty body is stored as NULL");
    // pg_net stores the body as a C string; a text column could not hold the NUL anyway.
    assert.equal((await waitForResponse(sql, ids.nul)).content, "before", "cut at the NUL byte");
  } finally {
    await worker.stop();
    await slow.stop();
    await sql.end();
  }
});

Deno.test("rows queued before start are sent at start, a batch's requests concurrently", async () => {
  const sql = await connect();
  const server = startStubServer(async () => {
    await sleep(400);
    return Response.json({ ok: true });
  });
  try {
    // Queued while no worker runs: taken at start, as pg_net's worker starts awake.
    const early = await queueGets(sql, server.url, ["/early-1", "/early-2", "/early-3"]);
    const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
    try {
      await worker.ready;
      for (const id of early) assert.equal((await waitForResponse(sql, id)).status_code, 200);
      await worker.idle();
      const started = performance.now();
      const late = await queueGets(sql, server.url, ["/1", "/2", "/3", "/4", "/5"]);
      for (const id of late) assert.equal((await waitForResponse(sql, id)).status_code, 200);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 1500, `5 requests of 400 ms each took ${Math.round(elapsed)} ms`);
    } finally {
      await worker.stop();
    }
  } finally {
    await server.stop();
    await sql.end();
  }
});

Deno.test("a slow request holds back every response of its batch: one transaction, one commit", async () => {
  const sql = await connect();
  const watcher = await connect({ max: 1 });
  const answeredAt = new Map<string, number>();
  const server = startStubServer(async (request) => {
    if (request.path === "/slow") await sleep(2000);
    answeredAt.set(request.path, performance.now());
    return Response.json({ path: request.path });
  });
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, log: () => {} });
  let watch: RequestsWatch | null = null;
  try {
    await worker.ready;
    const ids = await queueGets(sql, server.url, ["/slow", "/fast-1", "/fast-2", "/fast-3"]);
    watch = watchRequests(watcher, ids);
    await waitFor("the fast answers", () => Promise.resolve(answeredAt.size === 3 || undefined));
    const fastAnswered = Math.max(...answeredAt.values());

    // Taken (deleted and locked by the worker's open transaction), yet still there for others.
    const [{ visible }] = await sql`
      select count(*)::int as visible from net.http_request_queue where id = any(${ids}::bigint[])`;
    assert.equal(visible, 4, "the batch's queue rows stay visible until its commit");
    const lockable = await sql.begin((tx) =>
      tx`select id from net.http_request_queue where id = any(${ids}::bigint[])
        for update skip locked`
    );
    assert.equal(lockable.length, 0, "every row of the batch is locked by the worker");

    // stop() waits for the batch in flight and commits it.
    await worker.stop();
    const stopped = performance.now();
    const snapshots = await watch.stop();
    const [after] = await sql`
      select
        (select count(*)::int from net.http_request_queue where id = any(${ids}::bigint[])) as q,
        (select count(*)::int from net._http_response where id = any(${ids}::bigint[])) as a`;
    assert.deepEqual({ ...after }, { q: 0, a: 4 }, "stop() committed the batch in flight");
    assert.ok(stopped >= answeredAt.get("/slow")!, "stop() waited for the slow request");

    for (const s of snapshots) {
      assert.ok(
        (s.queued === 4 && s.answered === 0) || (s.queued === 0 && s.answered === 4),
        `another session saw ${s.queued} queued and ${s.answered} answered: not all or nothing`,
      );
    }
    const committed = firstWhere(snapshots, (s) => s.answered > 0);
    const heldBack = committed.at - fastAnswered;
    assert.ok(committed.at >= answeredAt.get("/slow")!, "visible only once the slow one is done");
    assert.ok(heldBack > 1500, `the fast answers were held back only ${Math.round(heldBack)} ms`);
    console.log(`fast responses held back ${Math.round(heldBack)} ms by the slow one`);
  } finally {
    await worker.stop();
    await server.stop();
    await watch?.stop().catch(() => {});
    await watcher.end();
    await sql.end();
  }
});

Deno.test("batches of batchSize run one after another, with a pause of about 1 s between", async () => {
  const sql = await connect();
  const watcher = await connect({ max: 1 });
  const receivedAt = new Map<string, number>();
  const server = startStubServer(async (request) => {
    receivedAt.set(request.path, performance.now());
    await sleep(300);
    return Response.json({ ok: true });
  });
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, batchSize: 2, log: () => {} });
  let watch: RequestsWatch | null = null;
  try {
    await worker.ready;
    const ids = await queueGets(sql, server.url, ["/1", "/2", "/3", "/4"]);
    watch = watchRequests(watcher, ids);
    for (const id of ids) await waitForResponse(sql, id);
    await worker.idle();
    const snapshots = await watch.stop();

    const seen = new Set(snapshots.map((s) => `${s.queued}/${s.answered}`));
    assert.deepEqual([...seen].sort(), ["0/4", "2/2", "4/0"], "two commits of two responses");
    const firstCommit = firstWhere(snapshots, (s) => s.answered === 2);
    const [r1, r2, r3, r4] = ["/1", "/2", "/3", "/4"].map((p) => receivedAt.get(p)!);
    assert.ok(Math.abs(r1 - r2) < 150 && Math.abs(r3 - r4) < 150, "each batch sent at once");
    assert.ok(r3 > firstCommit.at, "the second batch starts after the first one's commit");
    const pause = r3 - firstCommit.at;
    assert.ok(pause > 850 && pause < 1600, `pause between batches: ${Math.round(pause)} ms`);
    console.log(
      `batch 1 sent, committed ${Math.round(firstCommit.at - r1)} ms later; ` +
        `batch 2 sent ${Math.round(pause)} ms after that commit was seen`,
    );
  } finally {
    await worker.stop();
    await server.stop();
    await watch?.stop().catch(() => {});
    await watcher.end();
    await sql.end();
  }
});

Deno.test("expired responses are deleted at most batchSize per iteration (pg_net.ttl)", async () => {
  const sql = await connect();
  const ids = [-91001, -91002, -91003, -91004];
  const remaining = async (which: number[]) =>
    (await sql`select id::int from net._http_response where id = any(${which})`).map((r) => r.id);
  await sql`delete from net._http_response where id = any(${ids})`;
  // The oldest rows of the table, so they are the first pg_net's ordered delete picks.
  await sql`
    insert into net._http_response (id, status_code, timed_out, created) values
      (-91001, 200, false, '2000-01-01 00:00:01+00'),
      (-91002, 200, false, '2000-01-01 00:00:02+00'),
      (-91003, 200, false, '2000-01-01 00:00:03+00'),
      (-91004, 200, false, now() - interval '5 hours')`;
  const worker = startNetWorker({ databaseUrl: testDatabaseUrl, batchSize: 2, log: () => {} });
  try {
    await worker.ready;
    const expired = ids.slice(0, 3);
    const left = await waitFor("the first expiry", async () => {
      const rows = await remaining(expired);
      return rows.length < 3 ? rows : undefined;
    });
    const firstAt = performance.now();
    assert.deepEqual(left, [-91003], "the two oldest went first, together");
    await waitFor(
      "the second expiry",
      async () => (await remaining(expired)).length === 0 || undefined,
    );
    const gap = performance.now() - firstAt;
    assert.ok(gap > 800, `the next iteration came after only ${Math.round(gap)} ms`);
    assert.deepEqual(await remaining([-91004]), [-91004], "younger than 6 hours: kept");
  } finally {
    await worker.stop();
    await sql`delete from net._http_response where id = any(${ids})`;
    await sql.end();
  }
});
