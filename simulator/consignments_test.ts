import assert from "node:assert/strict";
import { apiGet, control, readFeed, withSimulator } from "./test_support.ts";

const decimalText = /^-?\d+\.\d{5}$/;

Deno.test("consignments come in every type, with products of real product ids and decimal strings", async () => {
  await withSimulator({ seed: 3, scale: "demo" }, async (sim) => {
    const { records } = await readFeed(sim, "consignments", { page_size: "7" });
    assert.equal(
      records.length,
      (await control(sim, "GET", "/summary")).entities.consignments.records,
    );
    assert.deepEqual(
      [...new Set(records.map((c) => c.type))].sort(),
      ["OUTLET", "RETURN", "STOCKTAKE", "SUPPLIER"],
    );
    const productIds = new Set((await readFeed(sim, "products")).records.map((p) => p.id));
    const transfer = records.find((c) => c.type === "OUTLET");
    assert.ok(transfer.source_outlet_id && transfer.source_outlet_id !== transfer.outlet_id);
    for (const consignment of records) {
      const reply = await apiGet(sim, `/consignments/${consignment.id}/products`);
      assert.equal(reply.status, 200);
      assert.ok(reply.body.data.length > 0);
      for (const line of reply.body.data) {
        assert.equal("id" in line, false, "consignment products carry no id");
        assert.ok(productIds.has(line.product_id));
        assert.match(line.cost, decimalText);
        assert.match(line.received, decimalText);
        assert.ok(line.version > 0 && line.version < consignment.version);
      }
    }
    const missing = await apiGet(
      sim,
      "/consignments/00000000-0000-0000-0000-000000000000/products",
    );
    assert.equal(missing.status, 404);
  });
});

Deno.test("a consignment's products page by their versions", async () => {
  await withSimulator({ seed: 3, scale: "demo" }, async (sim) => {
    const { records } = await readFeed(sim, "consignments");
    const stocktake = records.find((c) => c.type === "STOCKTAKE");
    const path = `/consignments/${stocktake.id}/products`;
    const all = (await apiGet(sim, path)).body.data;
    const first = (await apiGet(sim, `${path}?page_size=2`)).body;
    assert.deepEqual(first.data, all.slice(0, 2));
    assert.equal(first.version.max, all[1].version);
    const rest = (await apiGet(sim, `${path}?after=${first.version.max}`)).body;
    assert.deepEqual(rest.data, all.slice(2));
  });
});

Deno.test("receiving, editing and deleting consignments gives them and their changed lines new versions", async () => {
  await withSimulator({ seed: 3, scale: "demo" }, async (sim) => {
    const summary = await control(sim, "POST", "/mutate", {
      seed: 1,
      consignmentReceipts: 2,
      consignmentEdits: 1,
      consignmentDeletes: 1,
    });
    const after = String(summary.previousMaxVersion);
    const changed = (await readFeed(sim, "consignments", { after })).records;
    assert.deepEqual(
      new Set(changed.map((c) => c.id)),
      new Set([
        ...summary.consignmentReceipts,
        ...summary.consignmentEdits,
        ...summary.consignmentDeletes,
      ]),
    );
    for (const id of summary.consignmentReceipts) {
      const consignment = changed.find((c) => c.id === id);
      assert.equal(consignment.status, "RECEIVED");
      const lines = (await apiGet(sim, `/consignments/${id}/products`)).body.data;
      for (const line of lines) {
        assert.equal(line.received, line.count);
        assert.ok(line.version > summary.previousMaxVersion);
      }
    }
    const [removed] = summary.removedConsignmentProducts;
    const [consignmentId, productId] = removed.split("/");
    const lines = (await apiGet(sim, `/consignments/${consignmentId}/products`)).body.data;
    assert.equal(lines.some((l: { product_id: string }) => l.product_id === productId), false);
    const deleted = changed.find((c) => c.id === summary.consignmentDeletes[0]);
    assert.ok(deleted.deleted_at, "a deleted consignment is listed with its deleted_at");
  });
});
