// sync-entity over real HTTP when Lightspeed's replies are hostile: what the client refuses
// (README "Lightspeed client safety") ends the run with a clear message, and a Retry-After is
// held to LIGHTSPEED_MAX_RETRY_AFTER_MS store-wide.
import assert from "node:assert/strict";
import { startSyncStack } from "../../../dev/testing/sync_stack.ts";

Deno.test("sync-entity holds a one-hour Retry-After to LIGHTSPEED_MAX_RETRY_AFTER_MS", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 21, scale: "demo" },
    functionsEnv: { LIGHTSPEED_REGISTER_COUNT: "9", LIGHTSPEED_MAX_RETRY_AFTER_MS: "1000" },
  });
  try {
    await stack.control("/faults", {
      faults: [{
        type: "status",
        status: 429,
        retryAfter: "seconds",
        retryAfterSeconds: 3600,
        path: "/customers",
      }],
    });
    const started = Date.now();
    const reply = await stack.invoke("sync-entity", { entity: "customers" });
    assert.equal(reply.status, 200);
    // Honoured in full, the hour would pass the run's 30 s budget: it could not complete.
    assert.equal(reply.body.status, "completed", JSON.stringify(reply.body));
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    const logs = await stack.sql`
      select id, trigger, status, requests, rate_limited from public.sync_log
      where entity = 'customers' order by id`;
    const log = logs.find((row) => String(row.id) === String(reply.body.run_id));
    assert.equal(log?.rate_limited, 1, JSON.stringify(logs));
    // The pause every invocation of the store honours ended within the cap, not in an hour.
    const [budget] = await stack.sql`
      select coalesce(max(paused_until), now()) <= now() + interval '2 seconds' as within_cap
      from sync_private.request_budget`;
    assert.equal(budget.within_cap, true);
  } finally {
    await stack.stop();
  }
});

Deno.test("sync-entity fails a run Lightspeed redirects, naming the path and the target's origin", async () => {
  const reached: string[] = [];
  const target = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    reached.push(request.url);
    return Response.json({ data: [], version: null });
  });
  const stack = await startSyncStack({
    simulator: { seed: 22, scale: "demo" },
    functionsEnv: { LIGHTSPEED_REGISTER_COUNT: "9" },
  });
  try {
    const origin = `http://127.0.0.1:${target.addr.port}`;
    await stack.control("/faults", {
      faults: [{ type: "redirect", location: `${origin}/api/2.0/customers`, path: "/customers" }],
    });
    const reply = await stack.invoke("sync-entity", { entity: "customers" });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.status, "failed", JSON.stringify(reply.body));
    assert.ok(reply.body.error.includes(`"/customers" with a redirect (302) to ${origin}`));
    assert.deepEqual(reached, [], "the token went nowhere else");
    const [log] = await stack.sql`
      select status, requests, error from public.sync_log where entity = 'customers'`;
    assert.equal(log.status, "failed");
    assert.equal(log.requests, 1, "not retried");
    assert.match(log.error, /never followed/);
  } finally {
    await stack.stop();
    await target.shutdown();
  }
});

Deno.test("sync-entity fails a run whose reply is over 64 MiB, having read no more than that", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 23, scale: "demo" },
    functionsEnv: { LIGHTSPEED_REGISTER_COUNT: "9" },
  });
  try {
    // A valid (empty) page just over the cap: read whole, it would land as the end of the feed.
    await stack.control("/faults", {
      faults: [{ type: "oversized", bytes: 64 * 1024 * 1024 + 1, path: "/customers" }],
    });
    const reply = await stack.invoke("sync-entity", { entity: "customers" });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.status, "failed", JSON.stringify(reply.body));
    assert.match(reply.body.error, /reply for "\/customers" is larger than 64 MiB/);
    const [log] = await stack.sql`
      select requests, records_received from public.sync_log where entity = 'customers'`;
    assert.deepEqual(log, { requests: 1, records_received: 0 });
  } finally {
    await stack.stop();
  }
});
