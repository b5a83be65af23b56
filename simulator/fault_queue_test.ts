import assert from "node:assert/strict";
import { FaultQueue } from "./fault_queue.ts";

Deno.test("FaultQueue.take() lets `skip` matching requests through before the fault starts", () => {
  const queue = new FaultQueue();
  queue.add({ type: "slow", ms: 1000, count: 1, path: "/sales", skip: 2 });
  assert.equal(queue.take("/customers"), undefined);
  assert.equal(queue.take("/sales"), undefined);
  assert.equal(queue.take("/sales"), undefined);
  assert.equal(queue.take("/sales")?.type, "slow");
  assert.equal(queue.take("/sales"), undefined);
});

Deno.test("FaultQueue.take() matches `{id}` in a path filter to any one segment", () => {
  const queue = new FaultQueue();
  queue.add({ type: "status", status: 503, count: 2, path: "/consignments/{id}/products" });
  assert.equal(queue.take("/consignments"), undefined);
  assert.equal(queue.take("/consignments/abc"), undefined);
  assert.equal(queue.take("/consignments/abc/products")?.type, "status");
  assert.equal(queue.take("/consignments/def/products/x"), undefined);
  assert.equal(queue.take("/consignments/def/products")?.type, "status");
  assert.equal(queue.take("/consignments/def/products"), undefined);
});

Deno.test("FaultQueue: a timed outage hits every matching request until its end, then stops", () => {
  const queue = new FaultQueue();
  queue.add({ type: "status", status: 503, count: 1, path: "/sales" }, 10_000);
  for (const now of [0, 5_000, 9_999]) {
    const taken = queue.take("/sales", now);
    assert.equal(taken?.type === "status" && taken.status, 503, `at ${now} ms`);
  }
  assert.equal(queue.take("/customers", 9_999), undefined, "other paths are served");
  assert.equal(queue.take("/sales", 10_000), undefined, "over at its end");
  assert.deepEqual(queue.list(), []);
});
