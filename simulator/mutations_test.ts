import assert from "node:assert/strict";
import { applyMutations } from "./mutations.ts";
import { SimulatorStore } from "./store.ts";
import { apiGet, control, readFeed, withSimulator } from "./test_support.ts";

const ALL_KINDS = {
  customerEdits: 4,
  productEdits: 3,
  customerDeletes: 2,
  productDeletes: 2,
  laybyPayoffs: 2,
  onAccountPayoffs: 2,
  voids: 3,
  lineItemRemovals: 3,
  newSales: 5,
  stockMovements: 6,
};

Deno.test("every change gets a version above the old maximum and shows after the old cursor", async () => {
  await withSimulator({ seed: 11, scale: { sales: 2000 } }, async (sim) => {
    const summary = await control(sim, "POST", "/mutate", { seed: 5, ...ALL_KINDS });
    for (const [kind, count] of Object.entries(ALL_KINDS)) {
      assert.equal(summary[kind].length, count, kind);
    }
    assert.ok(summary.maxVersion > summary.previousMaxVersion);
    const cursor = String(summary.previousMaxVersion);

    const customers = (await readFeed(sim, "customers", { after: cursor, deleted: "true" }))
      .records;
    assert.deepEqual(
      new Set(customers.map((c) => c.id)),
      new Set([...summary.customerEdits, ...summary.customerDeletes]),
    );
    const products = (await readFeed(sim, "products", { after: cursor, deleted: "true" }))
      .records;
    assert.deepEqual(
      new Set(products.map((p) => p.id)),
      new Set([...summary.productEdits, ...summary.productDeletes]),
    );
    const inventory = (await readFeed(sim, "inventory", { after: cursor })).records;
    assert.deepEqual(
      new Set(inventory.map((r) => r.id)),
      new Set([...summary.stockMovements, ...summary.inventoryDeletes]),
    );
    const sales = (await readFeed(sim, "sales", { after: cursor })).records;
    const changedSales = [
      ...summary.laybyPayoffs,
      ...summary.onAccountPayoffs,
      ...summary.voids,
      ...summary.lineItemRemovals,
      ...summary.newSales,
    ];
    assert.deepEqual(new Set(sales.map((s) => s.id)), new Set(changedSales));
    for (const record of [...customers, ...products, ...inventory, ...sales]) {
      assert.ok(record.version > summary.previousMaxVersion);
    }
    const byId = new Map(sales.map((s) => [s.id, s]));
    for (const id of summary.laybyPayoffs) assert.equal(byId.get(id).status, "LAYBY_CLOSED");
    for (const id of summary.onAccountPayoffs) {
      assert.equal(byId.get(id).status, "ONACCOUNT_CLOSED");
    }
    for (const id of summary.voids) assert.equal(byId.get(id).status, "VOIDED");
    for (const id of summary.newSales) assert.ok(byId.get(id).line_items.length >= 1);
  });
});

Deno.test("a paid-off layby gains a payment that settles the sale", async () => {
  await withSimulator({ seed: 11, scale: { sales: 2000 } }, async (sim) => {
    const openLayby = sim.store.sales.find((s) => s.status === "LAYBY")!;
    const paymentsBefore = openLayby.payments.length;
    const oldVersion = openLayby.version;
    const summary = await control(sim, "POST", "/mutate", { seed: 1, laybyPayoffs: 1000 });
    assert.ok(summary.laybyPayoffs.includes(openLayby.id), "all open laybys were paid off");
    const sale = (await apiGet(sim, `/sales/${openLayby.id}`)).body.data;
    assert.equal(sale.payments.length, paymentsBefore + 1);
    assert.ok(sale.version > oldVersion);
    const paid = sale.payments.reduce((sum: number, p: { amount: number }) => sum + p.amount, 0);
    assert.ok(Math.abs(paid - (sale.total_price + sale.total_tax)) < 0.011);
    assert.equal(sim.store.sales.filter((s) => s.status === "LAYBY").length, 0);
  });
});

Deno.test("removing a line item lowers the totals and keeps payments in step", async () => {
  await withSimulator({ seed: 12, scale: { sales: 1000 } }, async (sim) => {
    const before = new Map(
      (sim.store.dump("sales") as { id: string; total_price: number; line_items: unknown[] }[])
        .map((s) => [s.id, s]),
    );
    const summary = await control(sim, "POST", "/mutate", { seed: 3, lineItemRemovals: 5 });
    assert.equal(summary.lineItemRemovals.length, 5);
    for (const [i, saleId] of summary.lineItemRemovals.entries()) {
      const sale = (await apiGet(sim, `/sales/${saleId}`)).body.data;
      const old = before.get(saleId)!;
      assert.equal(sale.line_items.length, old.line_items.length - 1);
      assert.ok(sale.total_price < old.total_price);
      const lineIds = sale.line_items.map((l: { id: string }) => l.id);
      assert.ok(!lineIds.includes(summary.removedLineItemIds[i]));
      const paid = sale.payments.reduce((sum: number, p: { amount: number }) => sum + p.amount, 0);
      assert.ok(Math.abs(paid - (sale.total_price + sale.total_tax)) < 0.011);
    }
  });
});

Deno.test("the same seed makes the same changes", () => {
  const options = { seed: 4, scale: { sales: 500 }, outlets: 3, registers: 3 };
  const first = new SimulatorStore(options);
  const second = new SimulatorStore(options);
  const a = applyMutations(first, { seed: 8, ...ALL_KINDS });
  const b = applyMutations(second, { seed: 8, ...ALL_KINDS });
  assert.deepEqual(a, b);
  assert.deepEqual(first.dump("sales"), second.dump("sales"));
});

Deno.test("new sales move their register's invoice sequence on", async () => {
  await withSimulator({ seed: 13 }, async (sim) => {
    const summary = await control(sim, "POST", "/mutate", { seed: 2, newSales: 3 });
    assert.ok(summary.registersTouched.length >= 1);
    const registers =
      (await readFeed(sim, "registers", { after: String(summary.previousMaxVersion) }))
        .records;
    assert.deepEqual(new Set(registers.map((r) => r.id)), new Set(summary.registersTouched));
    const newSale = (await apiGet(sim, `/sales/${summary.newSales[2]}`)).body.data;
    const register = registers.find((r) => r.id === newSale.register_id);
    assert.ok(register.invoice_sequence > newSale.invoice_sequence);
  });
});

Deno.test("salesAt places new sales at the given instants and outlets, e.g. around a DST change", async () => {
  await withSimulator({ seed: 11, scale: "demo" }, async (sim) => {
    // Auckland's clocks go back at 2025-04-05T14:00Z: 02:30 local happens twice.
    const salesAt = [
      { outlet: 0, at: "2025-04-05T13:30:00Z" },
      { outlet: 0, at: "2025-04-05T14:30:00Z" },
      { outlet: 1, at: "2025-03-09T06:59:59Z" },
    ];
    const summary = await control(sim, "POST", "/mutate", { seed: 3, salesAt });
    assert.equal(summary.newSales.length, 3);
    const outlets = (await readFeed(sim, "outlets", {})).records;
    for (const [i, id] of summary.newSales.entries()) {
      const sale = (await apiGet(sim, `/sales/${id}`)).body.data;
      assert.equal(sale.sale_date, salesAt[i].at.replace(".000", ""));
      assert.equal(sale.outlet_id, outlets[salesAt[i].outlet].id);
      assert.ok(sale.version > summary.previousMaxVersion);
    }
    const refused = await fetch(`${sim.controlUrl}/mutate`, {
      method: "POST",
      body: JSON.stringify({ salesAt: [{ outlet: 0, at: "yesterday" }] }),
    });
    assert.equal(refused.status, 400);
    await refused.body?.cancel();
  });
});
