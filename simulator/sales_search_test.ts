import assert from "node:assert/strict";
import { apiGet, control, withSimulator } from "./test_support.ts";

type Sale = { id: string; sale_date: string; line_items: unknown[] };

Deno.test("/search?type=sales filters by UTC date_from/date_to and pages by offset, oldest first", async () => {
  await withSimulator({ seed: 5, scale: "demo" }, async (sim) => {
    const all = (await control(sim, "GET", "/dump?entity=sales")).data as Sale[];
    const dates = all.map((s) => s.sale_date).sort();
    const from = dates[Math.floor(dates.length / 4)];
    const to = dates[Math.floor(dates.length / 2)];
    const expected = all.filter((s) => s.sale_date >= from && s.sale_date <= to)
      .sort((a, b) => a.sale_date.localeCompare(b.sale_date) || a.id.localeCompare(b.id));
    assert.ok(expected.length > 10);
    const read: Sale[] = [];
    for (let offset = 0;; offset += 7) {
      const page = await apiGet(
        sim,
        `/search?type=sales&date_from=${from}&date_to=${to}&offset=${offset}&page_size=7`,
      );
      assert.equal(page.status, 200);
      read.push(...page.body.data);
      if (page.body.data.length < 7) break;
    }
    assert.deepEqual(read.map((s) => s.id), expected.map((s) => s.id));
    assert.deepEqual(read[0], expected[0], "a result is the sale as /sales serves it");
    const capped = await apiGet(sim, "/search?type=sales&page_size=5000");
    assert.equal(capped.body.data.length, Math.min(all.length, 1000));
    assert.equal((await apiGet(sim, "/search?type=sales&date_from=soon")).status, 400);
    assert.equal((await apiGet(sim, "/search?type=tags")).status, 400);
  });
});

Deno.test("a single sale by id, and faults aimed at /search and /sales/{id}", async () => {
  await withSimulator({ seed: 5, scale: "demo" }, async (sim) => {
    const [sale] = (await control(sim, "GET", "/dump?entity=sales")).data as Sale[];
    const one = await apiGet(sim, `/sales/${sale.id}`);
    assert.deepEqual(one.body.data, sale);
    assert.equal((await apiGet(sim, "/sales/00000000-0000-4000-8000-000000000000")).status, 404);
    await control(sim, "POST", "/faults", {
      faults: [{ type: "status", status: 503, path: "/search" }, {
        type: "status",
        status: 502,
        path: `/sales/${sale.id}`,
      }],
    });
    assert.equal((await apiGet(sim, "/sales")).status, 200, "other paths are not hit");
    assert.equal((await apiGet(sim, "/search?type=sales")).status, 503);
    assert.equal((await apiGet(sim, `/sales/${sale.id}`)).status, 502);
    assert.equal((await apiGet(sim, `/sales/${sale.id}`)).status, 200);
  });
});
