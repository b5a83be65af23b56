import assert from "node:assert/strict";
import { spreadOf } from "./spread.ts";

Deno.test("the median is the middle value, or the mean of the middle two", () => {
  assert.deepEqual(spreadOf([70, 52, 61]), { median: 61, min: 52, max: 70, values: [70, 52, 61] });
  assert.equal(spreadOf([4, 1, 3, 2]).median, 2.5);
  assert.equal(spreadOf([5]).median, 5);
  assert.throws(() => spreadOf([]), /at least one/);
});
