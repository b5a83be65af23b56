import assert from "node:assert/strict";
import { parseWebhookBody } from "./webhook_body.ts";

const id = "0adfd74a-153e-11e9-fa42-67b5781ba1fb";
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

Deno.test("the event is the URL's type, the payload's id and its version", () => {
  const body = form({ payload: JSON.stringify({ id, version: 4284638488, name: "<b>x</b>" }) });
  assert.deepEqual(parseWebhookBody(body, "product.update"), {
    ok: true,
    event: { type: "product.update", recordId: id, version: "4284638488" },
  });
});

Deno.test("the body's type serves when the URL names none; both must agree when both do", () => {
  const payload = JSON.stringify({ id });
  const parsed = parseWebhookBody(form({ type: "sale.update", payload }), null);
  assert.deepEqual(parsed, {
    ok: true,
    event: { type: "sale.update", recordId: id, version: null },
  });
  const clash = parseWebhookBody(form({ type: "sale.update", payload }), "customer.update");
  assert.deepEqual([clash.ok, !clash.ok && clash.reason], [false, "bad_body"]);
});

Deno.test("unknown or missing types are unknown_type", () => {
  const payload = JSON.stringify({ id });
  for (const type of ["sale.create", "__proto__", "toString"]) {
    const parsed = parseWebhookBody(form({ payload }), type);
    assert.deepEqual([parsed.ok, !parsed.ok && parsed.reason], [false, "unknown_type"], type);
  }
  const none = parseWebhookBody(form({ payload }), null);
  assert.deepEqual([none.ok, !none.ok && none.reason], [false, "unknown_type"]);
});

Deno.test("bad bodies: no payload, not JSON, not an object, no id, a hostile id", () => {
  const cases = [
    "",
    form({ data: "{}" }),
    form({ payload: "{not json" }),
    form({ payload: "[1,2]" }),
    form({ payload: JSON.stringify({ name: "no id" }) }),
    form({ payload: JSON.stringify({ id: "'; drop table x; --" }) }),
    form({ payload: JSON.stringify({ id: "a".repeat(101) }) }),
  ];
  for (const body of cases) {
    const parsed = parseWebhookBody(body, "sale.update");
    assert.deepEqual([parsed.ok, !parsed.ok && parsed.reason], [false, "bad_body"], body);
  }
});

Deno.test("a version that is not a whole int64 is recorded as absent", () => {
  for (const version of [-1, 1.5, "12abc", "99999999999999999999", null, { v: 1 }]) {
    const body = form({ payload: JSON.stringify({ id, version }) });
    const parsed = parseWebhookBody(body, "inventory.update");
    assert.ok(parsed.ok);
    assert.equal(parsed.event.version, null, JSON.stringify(version));
  }
  const text = parseWebhookBody(form({ payload: JSON.stringify({ id, version: "17" }) }), null);
  assert.equal(text.ok, false, "no type at all");
});
