// lightspeed-webhook over real HTTP: the simulator's webhooks (form-encoded API 1.0 payloads,
// retries, duplicates, reordering, drops) into the local functions and PostgreSQL.
import assert from "node:assert/strict";
import { compareWithSource } from "../../../dev/testing/compare_with_source.ts";
import { startSyncStack, type SyncStack } from "../../../dev/testing/sync_stack.ts";
import type { EntityName } from "../_shared/entities/registry.ts";
import { webhookSignature } from "../../../simulator/webhook_sender.ts";

const token = "webhook-token-for-tests-0123456789abcdef";
const types = ["sale.update", "product.update", "customer.update", "inventory.update"];

function hookUrl(stack: SyncStack, type: string | null, withToken = token): string {
  const url = new URL(`${stack.api.url}/functions/v1/lightspeed-webhook`);
  url.searchParams.set("token", withToken);
  if (type !== null) url.searchParams.set("type", type);
  return url.href;
}

/** Registers the function's URL for every type through the simulator's /api/webhooks. */
async function registerAll(stack: SyncStack): Promise<void> {
  for (const type of types) {
    const reply = await fetch(`${stack.simulator.apiBaseUrl.replace("/2.0", "")}/webhooks`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.simulator.token}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        data: JSON.stringify({ url: hookUrl(stack, type), type, active: true }),
      }),
    });
    assert.equal(reply.status, 200, await reply.text());
  }
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const started = performance.now();
  const reply = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
  const json = await reply.json();
  return { status: reply.status, body: json, ms: performance.now() - started };
}

async function webhookRuns(stack: SyncStack, entity: string): Promise<number> {
  const [row] = await stack.sql<{ n: number }[]>`
    select count(*)::int as n from public.sync_log where entity = ${entity} and trigger = 'webhook'
      and status <> 'skipped'`;
  return row.n;
}

async function waitFor(what: string, test: () => Promise<boolean>, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await test()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function noWebhookPassRunning(stack: SyncStack): Promise<boolean> {
  const [row] = await stack.sql<{ n: number }[]>`
    select count(*)::int as n from sync_private.webhook_passes where driver is not null`;
  return row.n === 0;
}

async function syncAll(stack: SyncStack, entities: string[]) {
  for (const entity of entities) {
    const reply = await stack.invoke("sync-entity", { entity });
    assert.equal(reply.body.status, "completed", JSON.stringify(reply.body));
  }
}

/** Deliveries the function must refuse, with the status and counted reason of each. */
function refusalCases(stack: SyncStack) {
  const payload = JSON.stringify({ id: "0adfd74a-153e-11e9-fa42-67b5781ba1fb", version: 5 });
  const body = new URLSearchParams({ payload }).toString();
  const signed = { "x-signature": webhookSignature("app-secret", body) };
  const cases: [string, string, Record<string, string>, number, string][] = [
    [
      hookUrl(stack, "sale.update", "wrong-token-wrong-token-wrong-token!!"),
      body,
      signed,
      401,
      "bad_token",
    ],
    [hookUrl(stack, "sale.update", ""), body, signed, 401, "bad_token"],
    [hookUrl(stack, "sale.update"), body, {}, 401, "bad_signature"],
    [
      hookUrl(stack, "sale.update"),
      body,
      { "x-signature": webhookSignature("x", body) },
      401,
      "bad_signature",
    ],
    [hookUrl(stack, "sale.create"), body, signed, 400, "unknown_type"],
    [
      hookUrl(stack, "sale.update"),
      "payload=%7Bnope",
      { "x-signature": webhookSignature("app-secret", "payload=%7Bnope") },
      400,
      "bad_body",
    ],
  ];
  return { body, signed, cases };
}

Deno.test("refusals are 4xx saying why, counted by reason, and change nothing", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 81 },
    functionsEnv: { LIGHTSPEED_WEBHOOK_TOKEN: token, LIGHTSPEED_CLIENT_SECRET: "app-secret" },
  });
  try {
    const { body, signed, cases } = refusalCases(stack);
    for (const [url, text, headers, status, reason] of cases) {
      const reply = await post(url, text, headers);
      assert.deepEqual(
        [reply.status, reply.body.reason],
        [status, reason],
        JSON.stringify(reply.body),
      );
      assert.equal(typeof reply.body.error, "string");
    }
    const get = await fetch(hookUrl(stack, "sale.update"));
    assert.equal(get.status, 405);
    await get.body?.cancel();
    const counts = await stack.sql<{ reason: string; count: string }[]>`
      select reason, count::text from public.webhook_rejections order by reason`;
    assert.deepEqual(counts.map((r) => [r.reason, Number(r.count)]), [
      ["bad_body", 1],
      ["bad_signature", 2],
      ["bad_token", 2],
      ["unknown_type", 1],
      ["wrong_method", 1],
    ]);
    const [nothing] = await stack.sql<{ events: number; runs: number; sales: number }[]>`
      select (select count(*)::int from public.webhook_events) as events,
        (select count(*)::int from public.sync_log) as runs,
        (select count(*)::int from public.lightspeed_sales) as sales`;
    assert.deepEqual(nothing, { events: 0, runs: 0, sales: 0 });
    // The signed delivery itself is accepted.
    const good = await post(hookUrl(stack, "sale.update"), body, signed);
    assert.equal(good.status, 200, JSON.stringify(good.body));
  } finally {
    await waitFor("the pass to end", () => noWebhookPassRunning(stack));
    await stack.stop();
  }
});

Deno.test("the simulator's webhooks bring its changes in within seconds, from the cursor", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 82, webhooks: { secret: "app-secret", duplicateRate: 0.3, reorderMs: 300 } },
    functionsEnv: {
      LIGHTSPEED_WEBHOOK_TOKEN: token,
      LIGHTSPEED_CLIENT_SECRET: "app-secret",
      LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS: "1000",
    },
  });
  try {
    const entities = ["sales", "products", "customers", "inventory", "registers", "outlets"];
    await syncAll(stack, entities);
    await registerAll(stack);
    const summary = await stack.control("/mutate", {
      newSales: 3,
      productEdits: 2,
      customerEdits: 2,
      stockMovements: 3,
    });
    const started = Date.now();
    await waitFor("the new sales in PostgreSQL", async () => {
      const rows = await stack.sql`
        select id from public.lightspeed_sales where id = any(${summary.newSales}::uuid[])`;
      return rows.length === summary.newSales.length;
    });
    const freshnessMs = Date.now() - started;
    assert.ok(freshnessMs < 15_000, `sales landed after ${freshnessMs} ms`);
    await stack.control("/webhooks/settle", {});
    await waitFor("the passes to end", () => noWebhookPassRunning(stack));
    for (const entity of ["sales", "products", "customers", "inventory"]) {
      assert.ok(await webhookRuns(stack, entity) >= 1, `${entity} had a webhook pass`);
    }
    const [events] = await stack.sql<{ n: number; deliveries: number }[]>`
      select count(*)::int as n, sum(delivery_count)::int as deliveries from public.webhook_events`;
    const hooks = await stack.control("/webhooks");
    assert.equal(events.deliveries, hooks.stats.delivered);
    assert.ok(events.n <= events.deliveries);
    const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, [
      "sales",
      "products",
      "customers",
      "inventory",
    ]);
    // Registers changed too (invoice sequences) but have no webhook: the poll brings those.
    assert.deepEqual(comparison.mismatches, []);
    const stats = await stack.control("/stats");
    assert.equal(stats.violations, 0);
  } finally {
    await stack.stop();
  }
});

/** Quiet now: one event starts one pass; ten during it get exactly one follow-up. */
async function assertOneFollowUp(stack: SyncStack, url: string, id: string) {
  const before = await webhookRuns(stack, "inventory");
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const one = new URLSearchParams({ payload: JSON.stringify({ id: id }) }).toString();
  assert.equal((await post(url, one)).body.pass, "started");
  await waitFor("the pass to be running", async () => {
    const [row] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from public.sync_log
      where entity = 'inventory' and trigger = 'webhook' and status = 'running'`;
    return row.n === 1;
  }, 5_000);
  for (let i = 0; i < 10; i++) {
    assert.equal((await post(url, one)).body.pass, "coalesced");
  }
  await waitFor("the passes to end", () => noWebhookPassRunning(stack), 60_000);
  assert.equal(await webhookRuns(stack, "inventory") - before, 2);
}

Deno.test("a storm of 400 deliveries costs a handful of passes, and a running pass one follow-up", async () => {
  const stack = await startSyncStack({
    // Each Lightspeed request takes 1.5 s, so a pass is long and events arrive during it.
    simulator: { seed: 83, latency: { baseMs: 1_500, perRecordMs: 0 } },
    functionsEnv: {
      LIGHTSPEED_WEBHOOK_TOKEN: token,
      LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS: "1000",
    },
  });
  try {
    await syncAll(stack, ["inventory", "registers"]);
    const summary = await stack.control("/mutate", { stockMovements: 40 });
    const ids: string[] = summary.stockMovements;
    const url = hookUrl(stack, "inventory.update");
    const started = Date.now();
    let slowest = 0;
    // 400 deliveries: every change ten times (retries, duplicates), in shuffled order, 20 at once.
    const bodies = Array.from({ length: 400 }, (_, i) =>
      new URLSearchParams({
        payload: JSON.stringify({ id: ids[(i * 7) % ids.length], count: i }),
      }).toString());
    for (let i = 0; i < bodies.length; i += 20) {
      const replies = await Promise.all(bodies.slice(i, i + 20).map((body) => post(url, body)));
      for (const reply of replies) {
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        slowest = Math.max(slowest, reply.ms);
      }
    }
    const stormMs = Date.now() - started;
    assert.ok(slowest < 2_000, `slowest reply ${Math.round(slowest)} ms`);
    await waitFor("the passes to end", () => noWebhookPassRunning(stack), 60_000);
    const passes = await webhookRuns(stack, "inventory");
    // One pass per interval at most (each pass is at least two 1.5 s requests), plus one.
    const bound = Math.ceil(stormMs / 1000) + 2;
    assert.ok(passes >= 1 && passes <= Math.min(bound, 8), `${passes} passes in ${stormMs} ms`);
    const [events] = await stack.sql<{ n: number; deliveries: number }[]>`
      select count(*)::int as n, sum(delivery_count)::int as deliveries from public.webhook_events`;
    assert.deepEqual(events, { n: ids.length, deliveries: 400 });
    const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, [
      "inventory",
    ]);
    assert.deepEqual(comparison.mismatches, []);

    await assertOneFollowUp(stack, url, ids[0]);
    const stats = await stack.control("/stats");
    assert.equal(stats.violations, 0);
  } finally {
    await stack.stop();
  }
});

/** Waits for a completed webhook pass of the entity and none running, then compares it. */
async function assertWebhookPassMatches(stack: SyncStack, entity: EntityName): Promise<void> {
  await waitFor(`the ${entity} pass to end`, async () => {
    const [row] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from public.sync_log
      where entity = ${entity} and trigger = 'webhook' and status = 'completed'`;
    return row.n >= 1 && await noWebhookPassRunning(stack);
  });
  const comparison = await compareWithSource(stack.sql, stack.simulator.controlUrl, [entity]);
  assert.deepEqual(comparison.mismatches, []);
}

Deno.test("a register closure starts a registers pass, a consignment receipt a consignments one", async () => {
  const stack = await startSyncStack({
    simulator: { seed: 84 },
    functionsEnv: { LIGHTSPEED_WEBHOOK_TOKEN: token, LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS: "1000" },
  });
  try {
    await syncAll(stack, ["registers", "consignments"]);
    // New sales move their registers on (invoice sequence), as a closure moves is_open; a receipt
    // gives its consignment and its products new versions.
    const summary = await stack.control("/mutate", { newSales: 2, consignmentReceipts: 1 });
    const closure = JSON.stringify({
      id: crypto.randomUUID(),
      register_id: summary.registersTouched[0],
    });
    const reply = await post(
      hookUrl(stack, "register_closure.create"),
      new URLSearchParams({ payload: closure }).toString(),
    );
    assert.deepEqual([reply.status, reply.body.pass], [200, "started"], JSON.stringify(reply.body));
    await assertWebhookPassMatches(stack, "registers");

    const [received] = summary.consignmentReceipts;
    assert.ok(received, "the store had an open consignment to receive");
    const recorded = await post(
      hookUrl(stack, "consignment.receive"),
      new URLSearchParams({ payload: JSON.stringify({ id: received }) }).toString(),
    );
    assert.deepEqual([recorded.status, recorded.body.pass], [200, "started"]);
    await assertWebhookPassMatches(stack, "consignments");
    const events = await stack.sql<{ type: string; entity: string }[]>`
      select type, entity from public.webhook_events order by type`;
    assert.deepEqual(events.map((e) => [e.type, e.entity]), [
      ["consignment.receive", "consignments"],
      ["register_closure.create", "registers"],
    ]);
    const [runs] = await stack.sql<{ n: number }[]>`
      select count(*)::int as n from public.sync_log
      where trigger = 'webhook' and entity not in ('registers', 'consignments')`;
    assert.equal(runs.n, 0, "no other entity's pass started");
  } finally {
    await stack.stop();
  }
});
