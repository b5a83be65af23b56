import assert from "node:assert/strict";
import { control, readFeed, withSimulator } from "./test_support.ts";

const ids = (records: { id: string }[]) => new Set(records.map((r) => r.id));

Deno.test("soft-deleted customers and products appear only with deleted=true", async () => {
  await withSimulator({ seed: 9 }, async (sim) => {
    const summary = await control(sim, "POST", "/mutate", {
      seed: 1,
      customerDeletes: 3,
      productDeletes: 2,
    });
    assert.equal(summary.customerDeletes.length, 3);
    assert.equal(summary.productDeletes.length, 2);
    for (
      const [entity, deleted] of [
        ["customers", summary.customerDeletes],
        ["products", summary.productDeletes],
      ] as const
    ) {
      const visible = ids((await readFeed(sim, entity)).records);
      const withDeleted = (await readFeed(sim, entity, { deleted: "true" })).records;
      for (const id of deleted) {
        assert.ok(!visible.has(id), `${entity} ${id} hidden without deleted=true`);
        const row = withDeleted.find((r) => r.id === id);
        assert.ok(row, `${entity} ${id} listed with deleted=true`);
        assert.match(row.deleted_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
      assert.equal(withDeleted.length, visible.size + deleted.length);
    }
  });
});

Deno.test("on sales and inventory the deleted param is ignored and tombstones are listed", async () => {
  await withSimulator({ seed: 9, scale: { sales: 3000 } }, async (sim) => {
    const summary = await control(sim, "POST", "/mutate", { seed: 2, productDeletes: 1 });
    assert.ok(summary.inventoryDeletes.length > 0);
    const inventory = (await readFeed(sim, "inventory")).records;
    for (const id of summary.inventoryDeletes) {
      assert.ok(inventory.find((r) => r.id === id)?.deleted_at, "deleted stock row listed");
    }
    const sales = (await readFeed(sim, "sales", { page_size: "500" })).records;
    const deletedSales = sales.filter((s) => s.deleted_at !== null);
    assert.ok(deletedSales.length > 0, "discarded parked sales carry deleted_at");
    const withParam = (await readFeed(sim, "sales", { page_size: "500", deleted: "true" })).records;
    assert.equal(withParam.length, sales.length);
  });
});

Deno.test("lookup deletes: only where deleted=true is accepted, hidden without it; edits move on", async () => {
  await withSimulator({ seed: 9 }, async (sim) => {
    const summary = await control(sim, "POST", "/mutate", {
      seed: 4,
      lookupEdits: 1,
      lookupDeletes: 2,
    });
    assert.deepEqual(Object.keys(summary.lookupDeletes).sort(), [
      "customer_groups",
      "outlet_taxes",
      "tags",
    ]);
    const keyOf = (r: Record<string, string>) => r.id ?? `${r.outlet_id}/${r.product_id}`;
    for (const [entity, deleted] of Object.entries(summary.lookupDeletes) as [string, string[]][]) {
      assert.equal(deleted.length, 2, entity);
      const visible = new Set((await readFeed(sim, entity)).records.map(keyOf));
      const withDeleted = (await readFeed(sim, entity, { deleted: "true" })).records;
      for (const key of deleted) {
        assert.ok(!visible.has(key), `${entity} ${key} hidden without deleted=true`);
        assert.ok(withDeleted.find((r) => keyOf(r) === key)?.deleted_at, `${entity} ${key}`);
      }
    }
    assert.equal(Object.keys(summary.lookupEdits).length, 8);
    for (const [entity, edited] of Object.entries(summary.lookupEdits) as [string, string[]][]) {
      const feed = (await readFeed(sim, entity, { deleted: "true" })).records;
      const last = feed.filter((r) => r.version > summary.previousMaxVersion).map(keyOf);
      for (const key of edited) assert.ok(last.includes(key), `${entity} ${key} has a new version`);
    }
  });
});
