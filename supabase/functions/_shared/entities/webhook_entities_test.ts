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
      "consignment.send": "consignments",
      "consignment.receive": "consignments",
    },
  );
  assert.deepEqual(passTypes().toSorted(), [
    "consignment.receive",
    "consignment.send",
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
  // A registry whose consignments entry lists no events, as before it took them.
  const withoutEvents: EntityDefinition[] = entityRegistry.map((e) =>
    e.name === "consignments" ? { ...e, webhookEvents: undefined } : e
  );
  assert.equal(passEntityOf("consignment.send", withoutEvents), null);
  assert.equal(recordedEntityOf("consignment.send", withoutEvents), "consignments");
  assert.equal(recordedEntityOf("consignment.receive", withoutEvents), "consignments");
  assert.equal(recordedEntityOf("register_closure.create", withoutEvents), "registers");
  assert.equal(passTypes(withoutEvents).length, 5);
  // The entry takes their events by listing them, nothing else: the registry's does.
  assert.equal(passEntityOf("consignment.send"), "consignments");
  assert.equal(recordedEntityOf("consignment.receive"), "consignments");
  assert.equal(passTypes().length, 7);
});
