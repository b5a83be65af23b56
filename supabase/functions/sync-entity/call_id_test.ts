import assert from "node:assert/strict";
import type { Caller } from "../_shared/auth/caller.ts";
import { callIdHeader } from "../_shared/auth/scheduler_signature.ts";
import { readCallId } from "./call_id.ts";

const operator: Caller = { kind: "operator" };
const staff: Caller = { kind: "staff", userId: "00000000-0000-4000-8000-000000000001" };
const read = (value: string | null, caller: Caller = operator) =>
  readCallId(new Headers(value === null ? {} : { [callIdHeader]: value }), caller);

Deno.test("an operator's call id is kept as a positive bigint in decimal", () => {
  assert.deepEqual(read("1"), { callId: "1" });
  assert.deepEqual(read(" 42 "), { callId: "42" });
  assert.deepEqual(read("9223372036854775807"), { callId: "9223372036854775807" });
  assert.deepEqual(read(null), { callId: null });
});

Deno.test("a call id that is not a positive bigint is refused", () => {
  for (const bad of ["", "0", "-1", "01", "1.5", "1e3", "abc", "9223372036854775808", "1 2"]) {
    assert.ok("error" in read(bad), `accepted ${JSON.stringify(bad)}`);
  }
});

Deno.test("a staff caller's call id is ignored, valid or not", () => {
  assert.deepEqual(read("7", staff), { callId: null });
  assert.deepEqual(read("nonsense", staff), { callId: null });
});

Deno.test("a signed scheduler call's id is the one its signature covers, not the header's", () => {
  const scheduler: Caller = { kind: "scheduler", callId: "12" };
  assert.deepEqual(read("13", scheduler), { callId: "12" });
  assert.deepEqual(read(null, scheduler), { callId: "12" });
});
