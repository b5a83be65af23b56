import assert from "node:assert/strict";
import { validatePage } from "../entities/record_validation.ts";
import { getEntity } from "../entities/registry.ts";
import type { VersionPage } from "../lightspeed/pager.ts";
import { hasUnstorableText, preparePage, withoutUnstorable } from "./prepared_page.ts";
import { ReplyBody } from "../lightspeed/reply_body.ts";

const customers = getEntity("customers");
const id = (n: number) => `0a1b2c3d-4e5f-ff38-9e8d-${String(n).padStart(12, "0")}`;

const fetched = (records: unknown[], text?: string): VersionPage => ({
  records,
  versionMin: 1,
  versionMax: 99,
  requestAfter: 0,
  reply: text === undefined ? undefined : ReplyBody.fromText(text),
});

const prepare = (records: unknown[], replyText?: string) =>
  preparePage(customers, fetched(records, replyText));

Deno.test("preparePage() sends valid records, unknown fields included, exactly as received", () => {
  const record = { id: id(1), version: 4294967397, first_name: "Ada", brand_new_field: { x: 1 } };
  const page = prepare([record]);
  assert.deepEqual(JSON.parse(page.json), { data: [record] });
  assert.equal(page.validCount, 1);
  assert.deepEqual(page.rejects, []);
});

Deno.test("preparePage() takes the parsed records and the reply text off the fetched page", () => {
  const records = [{ id: id(2), version: 10 }, { id: id(3), version: "x" }];
  const text = JSON.stringify({ data: records });
  const page = fetched(records, text);
  const prepared = preparePage(customers, page);
  assert.deepEqual(page.records, []);
  assert.equal(page.reply, undefined);
  assert.equal(prepared.received, 2);
  assert.equal(prepared.versionMax, 99);
  assert.equal(prepared.validCount, 1);
  assert.equal(prepared.rejects.length, 1);
});

Deno.test("preparePage() rejects text PostgreSQL cannot store, and keeps hostile HTML as data", () => {
  const hostile = "<img src=x onerror=alert(1)><script>alert(1)</script> 🎉 \u202e";
  const page = prepare([
    { id: id(7), version: 21, note: "nul \u0000 inside" },
    { id: id(8), version: 22, note: hostile },
    { id: id(9), version: 23, note: "lone \ud800 surrogate" },
  ]);
  assert.deepEqual(JSON.parse(page.json).data.map((r: { note: string }) => r.note), [hostile]);
  assert.equal(page.validCount, 1);
  assert.deepEqual(page.rejects.map((r) => r.recordId), [id(7), id(9)]);
  assert.match(page.rejects[0].reason, /NUL/);
  assert.equal(hasUnstorableText(JSON.stringify(page.rejects[0].raw)), false);
});

Deno.test("preparePage() sends a clean page to SQL as the reply text, and re-serializes otherwise", () => {
  const records = [{ id: id(20), version: 40 }, { id: id(21), version: 41 }];
  const reply = JSON.stringify({ data: records, version: { min: 40, max: 41 } });
  assert.equal(prepare(records, reply).json, reply);
  const withBad = [...records, { id: id(22), version: "x" }];
  const page = prepare(withBad, JSON.stringify({ data: withBad }));
  assert.deepEqual(JSON.parse(page.json), { data: records });
  assert.equal(page.validCount, 2);
  assert.equal(page.rejects.length, 1);
  const repeated = [...records, { id: id(21), version: 39 }];
  assert.deepEqual(JSON.parse(prepare(repeated, JSON.stringify({ data: repeated })).json), {
    data: records,
  });
  const escaped = JSON.stringify({ data: [{ id: id(23), version: 42, note: "\u0000" }] });
  const nul = prepare(JSON.parse(escaped).data, escaped);
  assert.equal(nul.validCount, 0);
  assert.deepEqual(JSON.parse(nul.json), { data: [] });
  assert.equal(nul.rejects.length, 1);
});

Deno.test("withoutUnstorable() moves exactly the records jsonb cannot hold to the rejects", () => {
  const paired = { id: id(30), version: 50, note: "emoji \ud83c\udf89 is a paired surrogate" };
  const lone = { id: id(31), version: 51, note: "lone low \udc00" };
  const bad = { id: id(32), version: "x" };
  const result = withoutUnstorable(customers, validatePage(customers, [paired, lone, bad]));
  assert.deepEqual(result.records, [paired]);
  assert.deepEqual(result.rejects.map((r) => r.recordId), [id(32), id(31)]);
  assert.equal((result.rejects[1].raw as { note: string }).note, "lone low \ufffd");
});

/** An object nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let level = 1; level < depth; level++) value = { inner: value };
  return value;
}

Deno.test("preparePage() files a record nested too deep to serialize instead of throwing", () => {
  const deep = { id: id(40), version: 50, extra: nested(25_000) };
  const page = prepare([deep, { id: id(41), version: 51 }, { id: id(42), version: "x" }]);
  assert.deepEqual(JSON.parse(page.json), { data: [{ id: id(41), version: 51 }] });
  assert.equal(page.validCount, 1);
  assert.deepEqual(page.rejects.map((r) => r.recordId).sort(), [id(40), id(42)]);
  const tooDeep = page.rejects.find((r) => r.recordId === id(40))!;
  assert.match(tooDeep.reason, /nested deeper than 1000 levels/);
  assert.equal(tooDeep.version, 50);
  // The reject itself can be serialized and stored.
  assert.doesNotThrow(() => JSON.stringify(tooDeep.raw));
});
