import assert from "node:assert/strict";
import { inventoryKey } from "./catalog.ts";
import { generateCatalog } from "./generate_catalog.ts";
import { SeededRandom } from "./random.ts";
import { resolveScale } from "./scale.ts";

const options = { outlets: 7, registersPerOutlet: 2, counts: resolveScale({ sales: 600 }) };

Deno.test("a seed builds the same catalog and leaves its random stream at the same place", () => {
  const first = new SeededRandom("catalog-test");
  const second = new SeededRandom("catalog-test");
  assert.deepEqual(generateCatalog(first, options), generateCatalog(second, options));
  // Equal next draws mean both builds took the same number of draws.
  assert.equal(first.nextUint32(), second.nextUint32());
  const other = generateCatalog(new SeededRandom("another seed"), options);
  assert.notDeepEqual(
    other.customers,
    generateCatalog(new SeededRandom("catalog-test"), options).customers,
  );
});

Deno.test("outlets, taxes and registers line up by index", () => {
  const catalog = generateCatalog(new SeededRandom(3), options);
  assert.equal(catalog.outlets.length, 7);
  // More outlets than templates: names are numbered so they stay unique.
  assert.equal(new Set(catalog.outlets.map((o) => o.name)).size, 7);
  assert.equal(catalog.taxes.length, 8);
  assert.equal(catalog.taxes.at(-1)?.name, "No Tax");
  catalog.outlets.forEach((outlet, i) => {
    assert.equal(outlet.default_tax_id, catalog.taxes[catalog.outletTaxIndex[i]].id);
    const registers = catalog.registersByOutlet[i].map((r) => catalog.registers[r]);
    assert.deepEqual(registers.map((r) => r.name), ["Main Register", "Register 2"]);
    assert.ok(registers.every((r) => r.outlet_id === outlet.id));
  });
  catalog.registerOutletIndex.forEach((outletIndex, r) => {
    assert.ok(catalog.registersByOutlet[outletIndex].includes(r));
  });
  const cash = catalog.paymentTypes[0];
  assert.equal(cash.name, "Cash");
  assert.equal(catalog.registers.length, catalog.outlets.length * 2);
  assert.ok(catalog.registers.every((r) => r.cash_managed_payment_type_id === cash.id));
});

Deno.test("each sellable product has an inventory row per outlet, found by inventoryIndex", () => {
  const catalog = generateCatalog(new SeededRandom(4), options);
  const sellable = catalog.sellableProductIndexes.map((i) => catalog.products[i]);
  assert.ok(sellable.length > 0 && sellable.every((p) => p.has_variants === false));
  assert.equal(catalog.inventory.length, sellable.length * catalog.outlets.length);
  for (const productIndex of catalog.sellableProductIndexes) {
    catalog.outlets.forEach((outlet, outletIndex) => {
      const row =
        catalog.inventory[catalog.inventoryIndex.get(inventoryKey(productIndex, outletIndex))!];
      assert.equal(row.product_id, catalog.products[productIndex].id);
      assert.equal(row.outlet_id, outlet.id);
    });
  }
});
