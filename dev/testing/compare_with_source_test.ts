// The oracle must be able to fail: each kind of damage done to correctly synced tables shows as
// a readable difference, and the xmin snapshot sees every rewritten, added or removed row.
import assert from "node:assert/strict";
import { compareWithSource } from "./compare_with_source.ts";
import { startSyncStack } from "./sync_stack.ts";
import { changedRows, snapshotTables } from "./table_snapshot.ts";

Deno.test("the comparison names every wrong value, row and reject; the snapshot every written row", async () => {
  const stack = await startSyncStack({ simulator: { seed: 31, scale: "demo" } });
  try {
    for (const entity of ["customers", "sales"]) {
      assert.equal((await stack.invoke("sync-entity", { entity })).body.status, "completed");
    }
    const compare = () =>
      compareWithSource(stack.sql, stack.simulator.controlUrl, ["customers", "sales"]);
    assert.deepEqual((await compare()).mismatches, []);
    const before = await snapshotTables(stack.sql);
    const [a, b, c] = await stack.sql<{ id: string }[]>`
      select id::text from public.lightspeed_customers
      where first_name is distinct from last_name order by id limit 3`;
    const [line] = await stack.sql<{ sale_id: string; id: string }[]>`
      select sale_id::text, id::text from public.lightspeed_sale_line_items order by id limit 1`;
    const [payment] = await stack.sql<{ sale_id: string; id: string }[]>`
      select sale_id::text, id::text from public.lightspeed_sale_payments order by id limit 1`;
    await stack
      .sql`update public.lightspeed_customers set first_name = last_name where id = ${a.id}`;
    await stack.sql`
      update public.lightspeed_customers set created_at = created_at + interval '1 hour'
      where id = ${b.id}`;
    await stack.sql`update public.lightspeed_customers set raw = raw - 'email' where id = ${c.id}`;
    await stack.sql`
      update public.lightspeed_sale_line_items set quantity = quantity + 1
      where sale_id = ${line.sale_id} and id = ${line.id}`;
    await stack.sql`
      delete from public.lightspeed_sale_payments
      where sale_id = ${payment.sale_id} and id = ${payment.id}`;
    await stack.sql`
      insert into public.sync_rejects (entity, record_id, reason, raw)
      values ('customers', ${a.id}, 'Invalid record: made up', '{}')`;

    const { mismatches } = await compare();
    const expected = [
      new RegExp(`^lightspeed_customers ${a.id}: first_name expected "[^"]+", actual "[^"]+"$`),
      new RegExp(`^lightspeed_customers ${b.id}: created_at expected \\S+Z, actual \\S+Z$`),
      new RegExp(
        `^lightspeed_customers ${c.id}: raw differs from the record served at \\.email: missing$`,
      ),
      new RegExp(
        `^lightspeed_sale_line_items ${line.sale_id}/${line.id}: quantity expected "-?[\\d.]+", actual "-?[\\d.]+"$`,
      ),
      new RegExp(`^lightspeed_sale_payments ${payment.sale_id}/${payment.id}: missing$`),
      new RegExp(
        `^sync_rejects \\(customers\\) id ${a.id}: rejected unexpectedly: "Invalid record: made up"$`,
      ),
    ];
    assert.equal(mismatches.length, expected.length, mismatches.join("\n"));
    for (const pattern of expected) {
      assert.ok(mismatches.some((m) => pattern.test(m)), `${pattern} in\n${mismatches.join("\n")}`);
    }
    // In the registry's order of tables (syncedTables): customers before the sale's children.
    assert.deepEqual(changedRows(before, await snapshotTables(stack.sql)), [
      `lightspeed_customers: 3 rewritten, 0 added, 0 removed (e.g. ${
        [a.id, b.id, c.id].join(", ")
      })`,
      `lightspeed_sale_line_items: 1 rewritten, 0 added, 0 removed (e.g. ${line.sale_id}/${line.id})`,
      `lightspeed_sale_payments: 0 rewritten, 0 added, 1 removed (e.g. ${payment.sale_id}/${payment.id})`,
    ]);
  } finally {
    await stack.stop();
  }
});

Deno.test("the comparison covers consignment products by consignment and product id", async () => {
  const stack = await startSyncStack({ simulator: { seed: 32, scale: "demo" } });
  try {
    const run = await stack.invoke("sync-entity", { entity: "consignments" });
    assert.equal(run.body.status, "completed");
    const compare = () =>
      compareWithSource(stack.sql, stack.simulator.controlUrl, ["consignments"]);
    assert.deepEqual((await compare()).mismatches, []);
    const before = await snapshotTables(stack.sql);
    const [first, second] = await stack.sql<{ consignment_id: string; product_id: string }[]>`
      select consignment_id::text, product_id::text from public.lightspeed_consignment_products
      order by consignment_id, product_id limit 2`;
    const [parent] = await stack.sql<{ id: string }[]>`
      select id::text from public.lightspeed_consignments where id <> ${first.consignment_id}
      order by id limit 1`;
    await stack.sql`
      update public.lightspeed_consignment_products set cost = cost + 1
      where consignment_id = ${first.consignment_id} and product_id = ${first.product_id}`;
    await stack.sql`
      delete from public.lightspeed_consignment_products
      where consignment_id = ${second.consignment_id} and product_id = ${second.product_id}`;
    // A consignment's raw is the record as /consignments served it: no products in it.
    await stack.sql`
      update public.lightspeed_consignments set raw = raw || '{"products": []}'
      where id = ${parent.id}`;

    const { mismatches } = await compare();
    const firstKey = `${first.consignment_id}/${first.product_id}`;
    const secondKey = `${second.consignment_id}/${second.product_id}`;
    const expected = [
      new RegExp(
        `^lightspeed_consignment_products ${firstKey}: cost expected "[\\d.]+", actual "[\\d.]+"$`,
      ),
      new RegExp(`^lightspeed_consignment_products ${secondKey}: missing$`),
      new RegExp(
        `^lightspeed_consignments ${parent.id}: raw differs from the record served at \\.products: not in the source$`,
      ),
    ];
    assert.equal(mismatches.length, expected.length, mismatches.join("\n"));
    for (const pattern of expected) {
      assert.ok(mismatches.some((m) => pattern.test(m)), `${pattern} in\n${mismatches.join("\n")}`);
    }
    assert.deepEqual(changedRows(before, await snapshotTables(stack.sql)), [
      `lightspeed_consignments: 1 rewritten, 0 added, 0 removed (e.g. ${parent.id})`,
      `lightspeed_consignment_products: 1 rewritten, 0 added, 1 removed (e.g. ${firstKey}, ${secondKey})`,
    ]);
  } finally {
    await stack.stop();
  }
});
