import assert from "node:assert/strict";
import { type EntityDefinition, entityRegistry } from "./registry.ts";
import { passEntityOf, passTypes, recordedEntityOf } from "./webhook_entities.ts";
import { webhookTypes } from "./webhook_types.ts";

Deno.test("each type starts a pass of the entity whose registry entry lists it", () => {
  assert.deepEqual(
    Object.fromEntries(webhookTypes.map((type) => [type, passEntityOf(type)])),
    {
      "sale.update": "sales",
      "product.update": "products",
      "customer.update": "customers",
      "inventory.update": "inventory",
      // A closure changes the register's is_open and register_close_time.
      "register_closure.create": "registers",
      "consignment.send": null,
      "consignment.receive": null,
    },
  );
  assert.deepEqual(passTypes().toSorted(), [
    "customer.update",
    "inventory.update",
    "product.update",
    "register_closure.create",
    "sale.update",
  ]);
});

Deno.test("no type is listed by two entries, so each starts one entity's pass", () => {
  const listed = passTypes();
  assert.equal(new Set(listed).size, listed.length, listed.join(", "));
});

Deno.test("a type no entry lists is filed under its subject, the name its entity would take", () => {
  assert.equal(recordedEntityOf("consignment.send"), "consignments");
  assert.equal(recordedEntityOf("consignment.receive"), "consignments");
  assert.equal(recordedEntityOf("register_closure.create"), "registers");
  // An entity for consignments takes their events by listing them in its entry, nothing else.
  const consignments: EntityDefinition = {
    name: "consignments",
    path: "/consignments",
    table: "lightspeed_consignments",
    supportsDeleted: true,
    pageSize: 1000,
    maxPageSize: 10000,
    columns: {},
    webhookEvents: ["consignment.send", "consignment.receive"],
  };
  const registry = [...entityRegistry, consignments];
  assert.equal(passEntityOf("consignment.send", registry), "consignments");
  assert.equal(passEntityOf("consignment.receive", registry), "consignments");
  assert.equal(recordedEntityOf("consignment.send", registry), "consignments");
  assert.equal(passTypes(registry).length, 7);
});
