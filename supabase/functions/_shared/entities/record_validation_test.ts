import assert from "node:assert/strict";
import { validatePage } from "./record_validation.ts";
import { getEntity } from "./registry.ts";

const customers = getEntity("customers");
const sales = getEntity("sales");
const id = (n: number) => `0a1b2c3d-4e5f-ff38-9e8d-${String(n).padStart(12, "0")}`;

Deno.test("validatePage() keeps valid records, unknown fields included, exactly as received", () => {
  const record = { id: id(1), version: 4294967397, first_name: "Ada", brand_new_field: { x: 1 } };
  const page = validatePage(customers, [record]);
  assert.equal(page.rejects.length, 0);
  assert.equal(page.records[0], record);
  assert.equal(page.duplicatesDropped, false);
});

Deno.test("validatePage() accepts ids that break RFC 4122 bits and empty strings as nulls", () => {
  const page = validatePage(customers, [
    { id: "ffffffff-ffff-ffff-ffff-ffffffffffff", version: 5, customer_group_id: "", balance: "" },
  ]);
  assert.equal(page.records.length, 1);
});

Deno.test("validatePage() rejects a record without an id instead of guessing one", () => {
  const page = validatePage(customers, [{ version: 7, first_name: "No id" }]);
  assert.equal(page.records.length, 0);
  assert.equal(page.rejects[0].recordId, null);
  assert.match(page.rejects[0].reason, /id/);
});

Deno.test("validatePage() names every wrong typed field in the reason", () => {
  const page = validatePage(customers, [
    { id: id(2), version: "abc", balance: "lots", date_of_birth: "1990-02-30" },
  ]);
  assert.equal(page.rejects.length, 1);
  const { reason, recordId, version } = page.rejects[0];
  assert.equal(recordId, id(2));
  assert.equal(version, null);
  assert.match(reason, /version/);
  assert.match(reason, /balance: expected a decimal number/);
  assert.match(reason, /date_of_birth/);
});

Deno.test("validatePage() rejects a sale whose line item has no id, keeping the rest", () => {
  const good = { id: id(3), version: 10, line_items: [{ id: id(30), quantity: 1 }], payments: [] };
  const bad = { id: id(4), version: 11, line_items: [{ quantity: 2 }] };
  const page = validatePage(sales, [good, bad]);
  assert.deepEqual(page.records.map((r) => r.id), [id(3)]);
  assert.equal(page.rejects[0].recordId, id(4));
  assert.match(page.rejects[0].reason, /line_items\[0\]\.id/);
});

Deno.test("validatePage() rejects duplicate line item ids within a sale", () => {
  const sale = { id: id(5), version: 12, line_items: [{ id: id(50) }, { id: id(50) }] };
  const page = validatePage(sales, [sale]);
  assert.match(page.rejects[0].reason, /duplicate ids/);
});

Deno.test("validatePage() keeps the highest version when a page repeats an id", () => {
  const page = validatePage(customers, [
    { id: id(6), version: 20, first_name: "new" },
    { id: id(6), version: 19, first_name: "old" },
  ]);
  assert.deepEqual(page.records.map((r) => r.first_name), ["new"]);
  assert.equal(page.duplicatesDropped, true);
  assert.equal(page.rejects.length, 0);
});

Deno.test("validatePage() rejects values that are not objects", () => {
  const page = validatePage(customers, [null, 5, "x", [1]]);
  assert.equal(page.records.length, 0);
  assert.equal(page.rejects.length, 4);
});

Deno.test("validatePage() checks calendar dates, leap years included", () => {
  const page = validatePage(customers, [
    { id: id(10), version: 30, date_of_birth: "2024-02-29" },
    { id: id(11), version: 31, date_of_birth: "2023-02-29" },
    { id: id(12), version: 32, date_of_birth: "1900-02-29" },
    { id: id(13), version: 33, created_at: "2026-04-31T00:00:00Z" },
    { id: id(14), version: 34, created_at: "2026-13-01 10:00:00" },
  ]);
  assert.deepEqual(page.records.map((r) => r.id), [id(10)]);
  assert.equal(page.rejects.length, 4);
});

Deno.test("validatePage() takes ids of exactly the 8-4-4-4-12 hex shape, any case", () => {
  const good = ["0A1B2C3D-4E5F-FF38-9E8D-00000000000A", "ffffffff-ffff-ffff-ffff-ffffffffffff"];
  const bad = [
    "0a1b2c3d4e5f-ff38-9e8d-000000000001-",
    "0a1b2c3d-4e5f-ff38-9e8d-00000000000g",
    "0a1b2c3d-4e5f-ff38-9e8d-0000000000001",
    "0a1b2c3d-4e5f-ff38-9e8d-00000000000",
    "{0a1b2c3d-4e5f-ff38-9e8d-000000000001}",
    "0a1b2c3d-4e5f-ff38-9e8d-00000000000\u0661",
    "0a1b2c3d 4e5f-ff38-9e8d-000000000001",
  ];
  const page = validatePage(
    customers,
    [...good, ...bad].map((uuid, n) => ({ id: uuid, version: n + 1 })),
  );
  assert.deepEqual(page.records.map((r) => r.id), good);
  assert.equal(page.rejects.length, bad.length);
  for (const reject of page.rejects) assert.match(reject.reason, /id: expected a UUID-shaped id/);
});

const outletTaxes = getEntity("outlet_taxes");

Deno.test("validatePage() takes outlet taxes without an id, keyed by outlet and product", () => {
  const row = { outlet_id: id(1), product_id: id(2), tax_id: id(3), version: 9, deleted_at: null };
  const page = validatePage(outletTaxes, [
    row,
    { ...row, product_id: id(4), tax_id: id(5), version: 10 },
    { ...row, tax_id: id(6), version: 8 },
  ]);
  assert.deepEqual(page.rejects, []);
  // The repeated outlet and product: the highest version kept.
  assert.equal(page.duplicatesDropped, true);
  assert.deepEqual(page.records.map((r) => r.tax_id), [id(3), id(5)]);
});

Deno.test("validatePage() rejects an outlet tax missing a key field, filed under what it has", () => {
  const page = validatePage(outletTaxes, [
    { outlet_id: id(1), tax_id: id(3), version: 9 },
    { outlet_id: id(1), product_id: "not-a-uuid", tax_id: id(3), version: 9 },
  ]);
  assert.equal(page.records.length, 0);
  assert.match(page.rejects[0].reason, /^Invalid record: product_id: expected a UUID/);
  assert.equal(page.rejects[0].recordId, null);
  assert.equal(page.rejects[1].recordId, `${id(1)}/not-a-uuid`);
});

Deno.test("validatePage() rejects a brand, supplier or tag without a version", () => {
  for (const entity of ["brands", "suppliers", "tags"] as const) {
    const page = validatePage(getEntity(entity), [
      { id: id(1), name: "no version" },
      { id: id(2), name: "versioned", version: 3 },
    ]);
    assert.deepEqual(page.records.map((r) => r.id), [id(2)], entity);
    assert.equal(page.rejects[0].recordId, id(1));
    assert.match(page.rejects[0].reason, /^Invalid record: version: expected a positive integer/);
  }
});
