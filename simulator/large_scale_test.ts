import assert from "node:assert/strict";
import { SimulatorStore } from "./store.ts";

Deno.test("the large preset holds over a million line items, built fast and compactly", () => {
  const started = performance.now();
  const store = new SimulatorStore({ seed: 1, scale: "large", outlets: 3, registers: 3 });
  const seconds = (performance.now() - started) / 1000;
  const summary = store.summary();
  assert.ok(summary.saleLineItems >= 1_000_000, `${summary.saleLineItems} line items`);
  assert.equal(summary.entities.sales.records, 300_000);
  assert.ok(seconds < 30, `built in ${seconds.toFixed(1)} s`);
  const rssGb = Deno.memoryUsage().rss / 1e9;
  assert.ok(rssGb < 2, `resident memory ${rssGb.toFixed(2)} GB`);
  const page = store.page("sales", { after: 0, pageSize: 500, includeDeleted: false });
  assert.equal(page.data.length, 500);
});
