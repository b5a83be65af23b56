import assert from "node:assert/strict";
import { connectOutcome } from "./settings_connect.ts";

Deno.test("connectOutcome opens only an http(s) authorize URL from a 200", () => {
  const url = "https://secure.retail.lightspeed.app/connect?state=abc";
  assert.deepEqual(connectOutcome(200, { authorize_url: url }), { open: url });
  assert.ok("text" in connectOutcome(200, { authorize_url: "javascript:alert(1)" }));
  assert.ok("text" in connectOutcome(200, null));
});

Deno.test("connectOutcome explains a personal-token sync and a refused caller", () => {
  assert.deepEqual(connectOutcome(409, { error: "x" }), {
    text: "This sync signs in with a personal token (LIGHTSPEED_AUTH_MODE is not oauth)",
  });
  assert.deepEqual(connectOutcome(401, { error: "x" }), {
    text: "Not allowed: sign in again with a staff account",
  });
});
