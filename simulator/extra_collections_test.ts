import assert from "node:assert/strict";
import { apiGet, control, readFeed, withSimulator } from "./test_support.ts";

const gadget = (n: number) => ({
  id: `0000000${n}-0000-4000-8000-000000000000`,
  name: `Gadget ${n}`,
  colour: n % 2 ? "red" : "blue",
});

Deno.test("an extra collection is served with version paging, changes and deletes", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    const before = sim.store.maxVersion;
    const defined = await control(sim, "POST", "/collections", {
      name: "gadgets",
      records: [gadget(1), gadget(2), gadget(3)],
    });
    assert.equal(defined.records, 3);
    const first = await apiGet(sim, "/gadgets?page_size=2");
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.data.map((r: { name: string }) => r.name), [
      "Gadget 1",
      "Gadget 2",
    ]);
    // Versions come from the store's one clock, above everything generated before.
    assert.ok(first.body.version.min > before);
    assert.equal(first.body.data[0].deleted_at, null);

    const after = first.body.version.max;
    const changed = await control(sim, "POST", "/collections/gadgets", {
      records: [{ ...gadget(1), name: "Gadget 1, renamed" }],
      deletes: [gadget(2).id],
    });
    assert.equal(changed.versions.length, 2);
    // Changed and deleted records move past the cursor; deleted ones need deleted=true.
    const since = await readFeed(sim, "gadgets", { after: String(after) });
    assert.deepEqual(since.records.map((r) => r.name), ["Gadget 3", "Gadget 1, renamed"]);
    const withDeleted = await readFeed(sim, "gadgets", { after: String(after), deleted: "true" });
    const deleted = withDeleted.records.find((r) => r.id === gadget(2).id);
    assert.match(deleted.deleted_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal((await apiGet(sim, `/gadgets/${gadget(3).id}`)).body.data.name, "Gadget 3");
    assert.equal((await apiGet(sim, "/gadgets/nope")).status, 404);
  });
});

Deno.test("an extra collection without deleted=true lists its tombstones", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    await control(sim, "POST", "/collections", {
      name: "gadgets",
      supportsDeleted: false,
      records: [gadget(1)],
    });
    await control(sim, "POST", "/collections/gadgets", { deletes: [gadget(1).id] });
    const { records } = await readFeed(sim, "gadgets");
    assert.equal(records.length, 1);
    assert.notEqual(records[0].deleted_at, null);
  });
});

Deno.test("an extra collection cannot take an entity's name, and a reset drops it", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    await assert.rejects(
      control(sim, "POST", "/collections", { name: "sales", records: [] }),
      /cannot name an extra collection/,
    );
    await assert.rejects(
      control(sim, "POST", "/collections/gadgets", { deletes: ["x"] }),
      /No extra collection named gadgets/,
    );
    await control(sim, "POST", "/collections", { name: "gadgets", records: [gadget(1)] });
    assert.equal((await apiGet(sim, "/gadgets")).status, 200);
    await control(sim, "POST", "/reset", {});
    assert.equal((await apiGet(sim, "/gadgets")).status, 404);
  });
});
