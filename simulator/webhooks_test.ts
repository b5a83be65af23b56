import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import type { RunningSimulator } from "./simulator.ts";
import { control, withSimulator } from "./test_support.ts";

interface Received {
  contentType: string | null;
  signature: string | null;
  body: string;
  form: URLSearchParams;
}

/** A real HTTP receiver answering each POST with what `answer` says (default 200). */
async function withReceiver(
  answer: (count: number) => Promise<number> | number,
  body: (url: string, received: Received[]) => Promise<void>,
): Promise<void> {
  const received: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const text = await req.text();
    received.push({
      contentType: req.headers.get("content-type"),
      signature: req.headers.get("x-signature"),
      body: text,
      form: new URLSearchParams(text),
    });
    return new Response(null, { status: await answer(received.length) });
  });
  try {
    await body(`http://127.0.0.1:${server.addr.port}/hook?token=t0ken`, received);
  } finally {
    await server.shutdown();
  }
}

async function register(sim: RunningSimulator, data: unknown): Promise<Response> {
  return await fetch(`${sim.apiBaseUrl.replace("/2.0", "")}/webhooks`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${sim.token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ data: JSON.stringify(data) }),
  });
}

async function listWebhooks(sim: RunningSimulator) {
  const response = await fetch(`${sim.apiBaseUrl.replace("/2.0", "")}/webhooks`, {
    headers: { authorization: `Bearer ${sim.token}` },
  });
  return await response.json();
}

Deno.test("webhooks are made, listed, refused twice and removed through /api/webhooks", async () => {
  await withSimulator({}, async (sim) => {
    const hook = { url: "http://127.0.0.1:9/hook", type: "sale.update", active: true };
    const created = await register(sim, hook);
    assert.equal(created.status, 200);
    const { id } = await created.json();
    assert.equal((await register(sim, hook)).status, 409);
    assert.equal((await register(sim, { ...hook, type: "sale.create" })).status, 400);
    assert.deepEqual(await listWebhooks(sim), [{ id, ...hook }]);
    const base = sim.apiBaseUrl.replace("/2.0", "");
    const unauthenticated = await fetch(`${base}/webhooks`);
    await unauthenticated.body?.cancel();
    assert.equal(unauthenticated.status, 401);
    const removed = await fetch(`${base}/webhooks/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${sim.token}` },
    });
    assert.equal(removed.status, 200);
    await removed.body?.cancel();
    assert.deepEqual(await listWebhooks(sim), []);
  });
});

Deno.test("a change is POSTed form-encoded with an API 1.0 payload, and signed with a secret", async () => {
  const secret = "oauth-client-secret";
  await withSimulator({ webhooks: { secret } }, async (sim) => {
    await withReceiver(() => 200, async (url, received) => {
      await (await register(sim, { url, type: "sale.update", active: true })).body?.cancel();
      await (await register(sim, { url, type: "inventory.update", active: true })).body?.cancel();
      const summary = await control(sim, "POST", "/mutate", { newSales: 2, stockMovements: 1 });
      await control(sim, "POST", "/webhooks/settle");
      const sales = received.filter((r) => r.form.get("type") === "sale.update");
      assert.equal(sales.length, 2);
      for (const delivery of received) {
        assert.match(delivery.contentType ?? "", /^application\/x-www-form-urlencoded/);
        const mac = createHmac("sha256", secret).update(delivery.body).digest("hex");
        assert.equal(delivery.signature, `signature=${mac},algorithm=HMAC-SHA256`);
      }
      const sale = JSON.parse(sales[0].form.get("payload")!);
      assert.ok(summary.newSales.includes(sale.id));
      assert.ok(Array.isArray(sale.register_sale_products), "API 1.0 names, not line_items");
      assert.equal(sale.line_items, undefined);
      assert.match(sale.sale_date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      const stock = received.find((r) => r.form.get("type") === "inventory.update")!;
      const row = JSON.parse(stock.form.get("payload")!);
      assert.deepEqual([row.id, typeof row.count], [summary.stockMovements[0], "number"]);
      // Registers moved too, but no webhook type covers them.
      assert.equal(received.length, 3);
    });
  });
});

Deno.test("unsigned without a secret; failed and slow deliveries are retried, then given up", async () => {
  const webhooks = { timeoutMs: 200, retryBaseMs: 20, maxAttempts: 3 };
  await withSimulator({ webhooks }, async (sim) => {
    // First reply 500, second too slow, third 204: one change, three attempts, delivered.
    await withReceiver(async (n) => {
      if (n === 2) await new Promise((resolve) => setTimeout(resolve, 400));
      return n === 1 ? 500 : 204;
    }, async (url, received) => {
      await (await register(sim, { url, type: "customer.update", active: true })).body?.cancel();
      await control(sim, "POST", "/mutate", { customerEdits: 1 });
      const { stats } = await control(sim, "POST", "/webhooks/settle");
      assert.equal(received.length, 3);
      assert.equal(received[0].signature, null);
      assert.deepEqual([stats.attempts, stats.failedAttempts, stats.delivered], [3, 2, 1]);
      assert.equal(new Set(received.map((r) => r.body)).size, 1, "a retry resends the same body");
    });
    await withReceiver(() => 503, async (url, received) => {
      await control(sim, "POST", "/reset", {});
      for (const hook of await listWebhooks(sim)) {
        await (await fetch(`${sim.apiBaseUrl.replace("/2.0", "")}/webhooks/${hook.id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${sim.token}` },
        })).body?.cancel();
      }
      await (await register(sim, { url, type: "product.update", active: true })).body?.cancel();
      await control(sim, "POST", "/mutate", { productEdits: 1 });
      const { stats } = await control(sim, "POST", "/webhooks/settle");
      assert.deepEqual([received.length, stats.abandoned, stats.delivered], [3, 1, 0]);
    });
  });
});

Deno.test("faults: drops lose deliveries, duplicates send twice, reordering shuffles", async () => {
  await withSimulator({ webhooks: { dropRate: 1 } }, async (sim) => {
    await withReceiver(() => 200, async (url, received) => {
      await (await register(sim, { url, type: "product.update", active: true })).body?.cancel();
      await control(sim, "POST", "/mutate", { productEdits: 5 });
      const { stats } = await control(sim, "POST", "/webhooks/settle");
      assert.deepEqual([received.length, stats.dropped], [0, 5]);
    });
  });
  const webhooks = { duplicateRate: 1, reorderMs: 150 };
  await withSimulator({ webhooks, seed: 7 }, async (sim) => {
    await withReceiver(() => 200, async (url, received) => {
      await (await register(sim, { url, type: "product.update", active: true })).body?.cancel();
      const summary = await control(sim, "POST", "/mutate", { productEdits: 20 });
      const { stats } = await control(sim, "POST", "/webhooks/settle");
      assert.deepEqual([received.length, stats.duplicated], [40, 20]);
      const versions = received.map((r) => JSON.parse(r.form.get("payload")!).version);
      const ids = new Set(received.map((r) => JSON.parse(r.form.get("payload")!).id));
      assert.deepEqual(ids, new Set(summary.productEdits));
      assert.notDeepEqual(
        versions,
        [...versions].sort((a, b) => a - b),
        "some arrive out of order",
      );
    });
  });
});
