// What each kind accepts is held against PostgreSQL's casts in sync/sql_text_test.ts; these are
// the shared value predicates the validator builds on.
import assert from "node:assert/strict";
import { integerOf, isAbsent, isUuidShaped } from "./column_kinds.ts";

Deno.test("isAbsent() takes null, a missing value and the empty string, and nothing else", () => {
  for (const value of [null, undefined, ""]) assert.equal(isAbsent(value), true);
  for (const value of [0, false, " ", "0", [], {}]) assert.equal(isAbsent(value), false);
});

Deno.test("integerOf() reads integral numbers and integer text, exactly beyond 2^53", () => {
  assert.equal(integerOf(42), 42n);
  assert.equal(integerOf(-7), -7n);
  assert.equal(integerOf("9223372036854775807"), 9223372036854775807n);
  for (const value of [1.5, "1.0", "+1", " 1", "", null, true, NaN]) {
    assert.equal(integerOf(value), null, String(value));
  }
});

Deno.test("isUuidShaped() checks the 8-4-4-4-12 hex shape only", () => {
  assert.equal(isUuidShaped("0A1B2C3D-4E5F-FF38-9E8D-00000000000a"), true);
  assert.equal(isUuidShaped("ffffffff-ffff-ffff-ffff-ffffffffffff"), true);
  assert.equal(isUuidShaped("0a1b2c3d-4e5f-ff38-9e8d-00000000000g"), false);
  assert.equal(isUuidShaped("0a1b2c3d-4e5f-ff38-9e8d_000000000001"), false);
  assert.equal(isUuidShaped("0a1b2c3d4e5fff389e8d0000000000010000"), false);
});
