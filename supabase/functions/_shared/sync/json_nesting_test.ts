import assert from "node:assert/strict";
import { MAX_JSON_NESTING, nestsDeeperThan, TOO_DEEP_NOTE, withinNesting } from "./json_nesting.ts";

const nested = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

Deno.test("nestsDeeperThan() counts arrays and objects, a flat object being 1 deep", () => {
  assert.equal(nestsDeeperThan("text", 0), false);
  assert.equal(nestsDeeperThan({ a: 1 }, 1), false);
  assert.equal(nestsDeeperThan({ a: 1 }, 0), true);
  assert.equal(nestsDeeperThan({ a: [{ b: [] }] }, 4), false);
  assert.equal(nestsDeeperThan({ a: [{ b: [] }] }, 3), true);
  assert.equal(nestsDeeperThan(nested(5), 5), false);
  assert.equal(nestsDeeperThan(nested(5), 4), true);
});

Deno.test("nestsDeeperThan() takes nesting far past any stack without recursing", () => {
  assert.equal(nestsDeeperThan(nested(1_000_000), MAX_JSON_NESTING), true);
  assert.equal(nestsDeeperThan({ wide: Array.from({ length: 100_000 }, () => ({})) }, 3), false);
});

Deno.test("withinNesting() keeps a value within the limit as it is and notes only deep fields", () => {
  const sale = { id: "s", line_items: [{ id: "l", taxes: [{ id: "t" }] }] };
  assert.equal(withinNesting(sale), sale);
  const justFits = { id: "r", note: nested(MAX_JSON_NESTING - 1) };
  assert.equal(withinNesting(justFits), justFits);
  const deep = { id: "r", version: 3, note: nested(MAX_JSON_NESTING), other: [1] };
  assert.deepEqual(withinNesting(deep), { id: "r", version: 3, note: TOO_DEEP_NOTE, other: [1] });
  assert.equal(withinNesting(nested(MAX_JSON_NESTING + 1)), TOO_DEEP_NOTE);
  assert.equal(TOO_DEEP_NOTE, "[not kept: nested deeper than 1000 levels]");
});
