import assert from "node:assert/strict";
import { HOSTILE } from "./hostile_strings.ts";
import { RFC_4122_UUID, UUID_SHAPE } from "./ids.ts";
import { ENTITY_NAMES } from "./records.ts";
import { SimulatorStore } from "./store.ts";
import { control, withSimulator } from "./test_support.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const storeOptions = { seed: 21, scale: { sales: 3000 }, outlets: 3, registers: 3 };
const store = new SimulatorStore(storeOptions);
const dump = (entity: typeof ENTITY_NAMES[number]) => store.dump(entity) as Json[];

Deno.test("a seed always builds the same store, and another seed a different one", () => {
  const again = new SimulatorStore(storeOptions);
  for (const entity of ENTITY_NAMES) assert.deepEqual(again.dump(entity), store.dump(entity));
  const other = new SimulatorStore({ ...storeOptions, seed: 22 });
  assert.notDeepEqual(other.dump("customers"), store.dump("customers"));
});

Deno.test("ids are UUID-shaped, unique, and some break RFC 4122", () => {
  const ids: string[] = [];
  for (const entity of ENTITY_NAMES) {
    for (const record of dump(entity)) {
      // Outlet taxes have no id: their outlet and product tell them apart.
      if (entity !== "outlet_taxes") ids.push(record.id);
      for (const line of record.line_items ?? []) ids.push(line.id);
      for (const payment of record.payments ?? []) ids.push(payment.id);
    }
  }
  assert.ok(ids.length > 0 && ids.every((id) => UUID_SHAPE.test(id)));
  assert.equal(new Set(ids).size, ids.length);
  const nonRfc = ids.filter((id) => !RFC_4122_UUID.test(id));
  assert.ok(nonRfc.length > ids.length * 0.1);
  assert.ok(nonRfc.some((id) => id[14] === "f"), "some carry version nibble f");
});

Deno.test("what sales and products point at is served: users, taxes, payment types, brands, suppliers, tags", () => {
  const idsOf = (entity: typeof ENTITY_NAMES[number]) => new Set(dump(entity).map((r) => r.id));
  const [users, taxes, paymentTypes] = [idsOf("users"), idsOf("taxes"), idsOf("payment_types")];
  const sales = dump("sales");
  assert.ok(sales.length > 0 && sales.every((s) => users.has(s.user_id)));
  const lines = sales.flatMap((s) => s.line_items);
  assert.ok(lines.length > 0 && lines.every((l) => taxes.has(l.tax_id)));
  const payments = sales.flatMap((s) => s.payments);
  assert.ok(
    payments.length > 0 && payments.every((p) => paymentTypes.has(p.retailer_payment_type_id)),
  );
  const [brands, suppliers, tags] = [idsOf("brands"), idsOf("suppliers"), idsOf("tags")];
  const products = dump("products");
  assert.ok(products.length > 0);
  assert.ok(products.every((p) => brands.has(p.brand_id) && suppliers.has(p.supplier_id)));
  const tagged = products.filter((p) => p.tag_ids.length > 0);
  assert.ok(
    tagged.length > 0 && tagged.every((p) => p.tag_ids.every((id: string) => tags.has(id))),
  );
  for (const entity of ["brands", "suppliers", "tags"] as const) {
    const records = dump(entity);
    const names = records.map((r) => r.name);
    assert.ok(names.length >= 4 && new Set(names).size === names.length, `${entity} names`);
    assert.ok(
      records.length > 0 && records.every((r) => Number.isSafeInteger(r.version)),
      `${entity} versions`,
    );
  }
});

Deno.test("outlet taxes: one per sellable product and outlet, no id, the tax its sales charge there", () => {
  const rows = dump("outlet_taxes");
  const keys = new Set(rows.map((r) => `${r.outlet_id}/${r.product_id}`));
  assert.equal(keys.size, rows.length);
  assert.equal(rows.length, store.catalog.sellableProductIndexes.length * dump("outlets").length);
  assert.ok(rows.every((r) => !("id" in r) && Object.keys(r).length === 5));
  const taxAt = new Map(rows.map((r) => [`${r.outlet_id}/${r.product_id}`, r.tax_id]));
  for (const sale of dump("sales")) {
    for (const line of sale.line_items) {
      assert.equal(taxAt.get(`${sale.outlet_id}/${line.product_id}`), line.tax_id);
    }
  }
});

Deno.test("versions are above 2^32, unique across entities and ascending in each feed", () => {
  const all: number[] = [];
  for (const entity of ENTITY_NAMES) {
    const versions = dump(entity).map((r) => r.version);
    for (let i = 1; i < versions.length; i++) assert.ok(versions[i] > versions[i - 1]);
    all.push(...versions);
  }
  assert.ok(all.length > 0 && all.every((v) => Number.isSafeInteger(v) && v > 2 ** 32));
  assert.equal(new Set(all).size, all.length);
  assert.equal(Math.max(...all), store.maxVersion);
});

Deno.test("records carry Lightspeed's fields with realistic formats", () => {
  const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
  const customer = dump("customers")[0];
  for (
    const field of [
      "customer_code",
      "first_name",
      "last_name",
      "email",
      "customer_group_id",
      "date_of_birth",
      "do_not_email",
      "enable_loyalty",
      "physical_city",
      "postal_postcode",
      "custom_field_4",
      "year_to_date",
      "balance",
      "loyalty_balance",
      "on_account_limit",
      "created_at",
      "deleted_at",
    ]
  ) assert.ok(field in customer, `customer.${field}`);
  assert.match(customer.created_at, timestamp);
  const groups = new Set(dump("customer_groups").map((g) => g.id));
  const customers = dump("customers");
  assert.ok(customers.length > 0 && customers.every((c) => groups.has(c.customer_group_id)));
  const births = dump("customers").map((c) => c.date_of_birth).filter(Boolean);
  assert.ok(births.length > 0 && births.every((d) => /^\d{4}-\d\d-\d\d$/.test(d)));

  const outlets = dump("outlets");
  assert.deepEqual(outlets.map((o) => o.time_zone), [
    "Pacific/Auckland",
    "America/New_York",
    "Europe/London",
  ]);
  assert.equal(dump("registers").length, 9);

  const products = dump("products");
  const parents = products.filter((p) => p.has_variants);
  assert.ok(parents.length > 0);
  for (const parent of parents) {
    assert.equal(parent.variant_parent_id, null);
    const children = products.filter((p) => p.variant_parent_id === parent.id);
    assert.ok(children.length >= 2);
    assert.ok(children.every((c) => c.variant_name && c.variant_options.length === 2));
  }
  const inventory = dump("inventory");
  assert.equal(inventory.length, (products.length - parents.length) * outlets.length);
  assert.ok(inventory.some((row) => row.inventory_level < 0), "some stock is negative");

  const sales = dump("sales");
  const sale = sales[0];
  for (
    const field of [
      "outlet_id",
      "register_id",
      "user_id",
      "customer_id",
      "invoice_number",
      "invoice_sequence",
      "receipt_number",
      "short_code",
      "source",
      "source_id",
      "status",
      "note",
      "return_for",
      "total_price",
      "total_tax",
      "total_loyalty",
      "sale_date",
      "taxes",
      "adjustments",
      "line_items",
      "payments",
    ]
  ) assert.ok(field in sale, `sale.${field}`);
  const line = sale.line_items[0];
  for (
    const field of [
      "product_id",
      "tax_id",
      "quantity",
      "price",
      "discount",
      "cost",
      "loyalty_value",
      "price_total",
      "discount_total",
      "cost_total",
      "tax_total",
      "price_set",
      "sequence",
      "status",
      "is_return",
      "salesperson_id",
      "tax_components",
    ]
  ) assert.ok(field in line, `line.${field}`);
  const payment = sale.payments[0];
  for (
    const field of [
      "register_id",
      "outlet_id",
      "retailer_payment_type_id",
      "payment_type_id",
      "name",
      "amount",
      "payment_date",
    ]
  ) assert.ok(field in payment, `payment.${field}`);
  assert.match(payment.payment_type_id, /^\d+$/);

  const lineCounts = sales.map((s) => s.line_items.length);
  assert.equal(Math.min(...lineCounts), 1);
  assert.equal(Math.max(...lineCounts), 8);
  const money = sales.flatMap((
    s,
  ) => [s.total_price, s.total_tax, ...s.payments.map((p: Json) => p.amount)]);
  assert.ok(money.length >= sales.length * 2);
  assert.ok(
    money.every((n) => typeof n === "number" && Math.abs(n * 1e5 - Math.round(n * 1e5)) < 1e-6),
  );
});

Deno.test("sales cover the statuses and returns a sync must handle", () => {
  const sales = dump("sales");
  const statuses = new Set(sales.map((s) => s.status));
  for (
    const status of ["CLOSED", "LAYBY", "ONACCOUNT", "VOIDED", "LAYBY_CLOSED", "ONACCOUNT_CLOSED"]
  ) {
    assert.ok(statuses.has(status), status);
  }
  const ids = new Set(sales.map((s) => s.id));
  const returns = sales.filter((s) => s.return_for !== null);
  assert.ok(returns.length > 0);
  for (const sale of returns) {
    assert.ok(ids.has(sale.return_for));
    assert.ok(sale.line_items.length > 0);
    assert.ok(sale.line_items.every((l: Json) => l.quantity < 0 && l.is_return));
    assert.ok(sale.total_price < 0);
  }
  assert.ok(sales.some((s) => s.payments.length === 2));
});

Deno.test("hostile strings are seeded into customers, products and sales", () => {
  const text = JSON.stringify([dump("customers"), dump("products"), dump("sales")]);
  for (const value of Object.values(HOSTILE)) {
    assert.ok(text.includes(JSON.stringify(value).slice(1, -1)));
  }
  assert.ok(dump("products").some((p) => p.image_url === "javascript:alert(1)"));
  assert.ok(dump("sales").some((s) => s.note.length >= 10_000));
  assert.ok(!text.includes("\\u0000"), "no NUL characters");
});

Deno.test("the control dump equals the in-process state and includes deleted rows", async () => {
  await withSimulator({ seed: 21, scale: { sales: 3000 } }, async (sim) => {
    await control(sim, "POST", "/mutate", { seed: 1, customerDeletes: 2, voids: 2 });
    for (const entity of ["customers", "sales", "inventory"] as const) {
      const response = await fetch(`${sim.controlUrl}/dump?entity=${entity}`);
      const body = await response.json();
      assert.equal(body.entity, entity);
      assert.deepEqual(body.data, sim.store.dump(entity));
    }
    const summary = await control(sim, "GET", "/summary");
    const customers = (await (await fetch(`${sim.controlUrl}/dump?entity=customers`)).json()).data;
    assert.equal(customers.length, summary.entities.customers.records);
    assert.equal(customers.filter((c: Json) => c.deleted_at).length, 2);
    assert.equal(summary.entities.customers.deleted, 2);
    const sales = sim.store.dump("sales") as Json[];
    assert.equal(summary.saleLineItems, sales.reduce((n, s) => n + s.line_items.length, 0));
    assert.equal(summary.salePayments, sales.reduce((n, s) => n + s.payments.length, 0));
    assert.equal(summary.maxVersion, sim.store.maxVersion);
    assert.equal(summary.rateLimit.limit, 2750);
    const bad = await fetch(`${sim.controlUrl}/dump?entity=widgets`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  });
});

Deno.test("a control reset rebuilds the store with new settings", async () => {
  await withSimulator({ seed: 1 }, async (sim) => {
    const summary = await control(sim, "POST", "/reset", {
      seed: 2,
      scale: { sales: 50 },
      outlets: 1,
      registers: 2,
      timeScale: 10,
      token: "other-token",
    });
    assert.equal(summary.entities.sales.records, 50);
    assert.equal(summary.entities.outlets.records, 1);
    assert.deepEqual(
      { limit: summary.rateLimit.limit, windowMs: summary.rateLimit.windowMs },
      { limit: 650, windowMs: 30_000 },
    );
    assert.equal(sim.token, "other-token");
    assert.equal(sim.store.summary().entities.sales.records, 50);
    assert.equal(JSON.stringify(summary).includes("other-token"), false, "tokens stay out");
  });
});
