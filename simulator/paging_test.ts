import assert from "node:assert/strict";
import { apiGet, control, readFeed, withSimulator } from "./test_support.ts";

Deno.test("a full walk of a feed returns every visible record once, in ascending version", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    const { records, pages } = await readFeed(sim, "customers", { page_size: "7" });
    const expected = sim.store.dump("customers") as { id: string; deleted_at: unknown }[];
    assert.equal(records.length, expected.length);
    assert.deepEqual(records.map((r) => r.id), expected.map((r) => r.id));
    assert.equal(pages, Math.ceil(expected.length / 7) + 1);
    for (let i = 1; i < records.length; i++) assert.ok(records[i].version > records[i - 1].version);
  });
});

Deno.test("a page's version bounds are its first and last record versions, with gaps", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    const reply = await apiGet(sim, "/products?page_size=25");
    const versions = reply.body.data.map((r: { version: number }) => r.version);
    assert.equal(reply.body.data.length, 25);
    assert.deepEqual(reply.body.version, { min: versions[0], max: versions[24] });
    const gaps = versions.slice(1).map((v: number, i: number) => v - versions[i]);
    assert.ok(gaps.some((gap: number) => gap > 1), "global versions leave gaps in one feed");
  });
});

Deno.test("after and before are exclusive bounds", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    const all = (await apiGet(sim, "/customers?page_size=10")).body.data;
    const afterThird = await apiGet(sim, `/customers?page_size=3&after=${all[2].version}`);
    assert.deepEqual(afterThird.body.data.map((r: { id: string }) => r.id), [
      all[3].id,
      all[4].id,
      all[5].id,
    ]);
    const beforeFifth = await apiGet(sim, `/customers?before=${all[4].version}`);
    assert.deepEqual(
      beforeFifth.body.data.map((r: { id: string }) => r.id),
      all.slice(0, 4).map((r: { id: string }) => r.id),
    );
    const window = await apiGet(sim, `/customers?after=${all[1].version}&before=${all[3].version}`);
    assert.deepEqual(window.body.data.map((r: { id: string }) => r.id), [all[2].id]);
  });
});

Deno.test("one small entity fits in one page, then an empty page ends the walk", async () => {
  await withSimulator({ seed: 3 }, async (sim) => {
    const first = await apiGet(sim, "/outlets");
    assert.equal(first.body.data.length, 3);
    const next = await apiGet(sim, `/outlets?after=${first.body.version.max}`);
    assert.deepEqual(next.body, { data: [], version: null });
  });
});

Deno.test("empty pages carry the configured version shape", async () => {
  await withSimulator({ seed: 3, scale: { sales: 0 } }, async (sim) => {
    assert.deepEqual((await apiGet(sim, "/sales")).body, { data: [], version: null });
    const shapes = {
      missing: { data: [] },
      zeros: { data: [], version: { min: 0, max: 0 } },
      nulls: { data: [], version: { min: null, max: null } },
    };
    for (const [emptyPageVersion, body] of Object.entries(shapes)) {
      await control(sim, "POST", "/reset", { scale: { sales: 0 }, emptyPageVersion });
      assert.deepEqual((await apiGet(sim, "/sales")).body, body);
      const beyond = await apiGet(sim, `/outlets?after=${sim.store.maxVersion + 1000}`);
      assert.deepEqual(beyond.body, body);
    }
  });
});

Deno.test("over-cap page sizes are clamped silently: sales to 500, others to 10,000", async () => {
  await withSimulator({ seed: 5, scale: { sales: 90_000 } }, async (sim) => {
    assert.ok(sim.store.summary().entities.customers.records > 10_000);
    const sales = await apiGet(sim, "/sales?page_size=5000");
    assert.equal(sales.status, 200);
    assert.equal(sales.body.data.length, 500);
    assert.equal((await apiGet(sim, "/sales")).body.data.length, 500);
    const customers = await apiGet(sim, "/customers?page_size=50000");
    assert.equal(customers.body.data.length, 10_000);
    assert.equal((await apiGet(sim, "/customers")).body.data.length, 1000);
    assert.equal((await apiGet(sim, "/customers?page_size=3")).body.data.length, 3);
  });
});

Deno.test("invalid paging parameters get a 400 in Lightspeed's error shape", async () => {
  await withSimulator({}, async (sim) => {
    for (const query of ["after=abc", "before=-1", "page_size=0", "page_size=ten", "after=1.5"]) {
      const reply = await apiGet(sim, `/customers?${query}`);
      assert.equal(reply.status, 400, query);
      assert.equal(reply.body.error, "Bad Request");
      assert.match(reply.body.message, /parameter/);
    }
  });
});
