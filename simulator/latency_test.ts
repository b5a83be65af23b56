import assert from "node:assert/strict";
import { apiGet, withSimulator } from "./test_support.ts";

Deno.test("the latency model adds a base delay plus a delay per record served", async () => {
  await withSimulator({ latency: { baseMs: 50, perRecordMs: 5 } }, async (sim) => {
    let started = performance.now();
    assert.equal((await apiGet(sim, "/outlets")).body.data.length, 3);
    const small = performance.now() - started;
    assert.ok(small >= 60, `3 records took ${small.toFixed(0)} ms`);
    started = performance.now();
    assert.equal((await apiGet(sim, "/customers?page_size=40")).body.data.length, 40);
    const large = performance.now() - started;
    assert.ok(large >= 245, `40 records took ${large.toFixed(0)} ms`);
  });
});
