import assert from "node:assert/strict";
import { apiGet, withSimulator } from "./test_support.ts";

Deno.test("a missing or wrong bearer token gets 401", async () => {
  await withSimulator({ token: "right-token" }, async (sim) => {
    const missing = await apiGet(sim, "/sales", null);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, "Unauthorized");
    assert.equal(typeof missing.body.message, "string");
    assert.equal((await apiGet(sim, "/sales", "wrong-token")).status, 401);
    assert.equal((await apiGet(sim, "/sales", "right-token")).status, 200);
    assert.equal(sim.token, "right-token");
  });
});

Deno.test("a valid token without scope gets 403", async () => {
  await withSimulator({ forbiddenToken: "no-scope" }, async (sim) => {
    const reply = await apiGet(sim, "/customers", "no-scope");
    assert.equal(reply.status, 403);
    assert.equal(reply.body.error, "Forbidden");
    assert.equal((await apiGet(sim, "/customers")).status, 200);
  });
});

Deno.test("unknown paths and ids get 404 JSON errors", async () => {
  await withSimulator({}, async (sim) => {
    for (const path of ["/widgets", "/sales/abc/def", "/customers/no-such-id"]) {
      const reply = await apiGet(sim, path);
      assert.equal(reply.status, 404, path);
      assert.equal(reply.body.error, "Not Found");
    }
  });
});

Deno.test("single records and a product's inventory are served by id", async () => {
  await withSimulator({}, async (sim) => {
    const outlet = sim.store.catalog.outlets[1];
    assert.deepEqual((await apiGet(sim, `/outlets/${outlet.id}`)).body, { data: outlet });
    const sale = sim.store.sales[0];
    assert.equal((await apiGet(sim, `/sales/${sale.id}`)).body.data.version, sale.version);
    const productId = sim.store.catalog.inventory[0].product_id;
    const rows = (await apiGet(sim, `/products/${productId}/inventory`)).body.data;
    assert.equal(rows.length, 3);
    assert.ok(rows.every((row: { product_id: string }) => row.product_id === productId));
  });
});

Deno.test("non-GET API calls are refused", async () => {
  await withSimulator({}, async (sim) => {
    const response = await fetch(`${sim.apiBaseUrl}/sales`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.token}` },
      body: "{}",
    });
    assert.equal(response.status, 405);
    assert.equal((await response.json()).error, "Method Not Allowed");
  });
});
