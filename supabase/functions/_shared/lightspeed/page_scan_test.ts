import assert from "node:assert/strict";
import { ScannedPage, scanPage as scanBytes } from "./page_scan.ts";

const scanPage = (text: string) => scanBytes(new TextEncoder().encode(text));

const sale = (n: number) => ({ id: `id-${n}`, version: n, note: 'a "quoted" \\ note', n: 1.5 });

Deno.test("scanPage() reads a Lightspeed page's version from its ends, as JSON.parse does", () => {
  const texts = [
    JSON.stringify({ data: [sale(1), sale(2)], version: { min: 1, max: 2 } }),
    JSON.stringify({ data: [sale(1)], version: { min: 4294967296, max: 9007199254740991 } }),
    JSON.stringify({ data: [sale(1)], version: { min: 1, max: 2 } }, null, 2),
    ` \n{ "data" : [ 7 ] , "version" : { "min" : 1 , "max" : 3 } } \n`,
  ];
  for (const text of texts) {
    const parsed = JSON.parse(text);
    const scanned = scanPage(text);
    assert.ok(scanned instanceof ScannedPage, text.slice(0, 40));
    assert.equal(scanned.versionMin, parsed.version.min);
    assert.equal(scanned.versionMax, parsed.version.max);
  }
});

Deno.test("scanPage() leaves every other shape to JSON.parse", () => {
  const others = [
    // Empty pages are short: parsed.
    JSON.stringify({ data: [], version: { min: 1, max: 2 } }),
    JSON.stringify({ data: [], version: null }),
    // Version first, no version, other members last, another order inside version.
    JSON.stringify({ version: { min: 1, max: 2 }, data: [sale(1)] }),
    JSON.stringify({ data: [sale(1)] }),
    JSON.stringify({ data: [sale(1)], version: { min: 1, max: 2 }, more: true }),
    JSON.stringify({ data: [sale(1)], version: { max: 2, min: 1 } }),
    JSON.stringify({ data: [sale(1)], version: { min: 1, max: 2.5 } }),
    JSON.stringify({ data: [sale(1)], version: { min: "1", max: "2" } }),
    // "data" not first, or not an array.
    JSON.stringify({ other: 1, data: [sale(1)], version: { min: 1, max: 2 } }),
    JSON.stringify({ data: { a: 1 }, version: { min: 1, max: 2 } }),
    // A string that ends like a version is not one: its quotes are escaped.
    JSON.stringify({ data: [sale(1)], note: ',"version":{"min":1,"max":9}}' }),
    // Cut off, or not an object.
    JSON.stringify({ data: [sale(1)], version: { min: 1, max: 2 } }).slice(0, -1),
    JSON.stringify([{ data: [sale(1)], version: { min: 1, max: 2 } }]),
    "",
  ];
  for (const text of others) assert.equal(scanPage(text), null, text);
});

Deno.test("scanPage() reads a string member's escaped quotes as text, not structure", () => {
  // The last member's value is a string holding what a version would look like.
  const text = '{"data":[1],"v":"x\\",\\"version\\":{\\"min\\":1,\\"max\\":9}}"}';
  assert.deepEqual(JSON.parse(text).v, 'x","version":{"min":1,"max":9}}');
  assert.equal(scanPage(text), null);
});

Deno.test("scanPage() reads the ends of a reply whose multi-byte characters straddle the cuts", () => {
  // Characters of 2, 3 and 4 bytes placed so that one of each crosses byte 64 and the start
  // of the last 160 bytes, whatever the padding.
  for (let pad = 0; pad < 4; pad++) {
    const note = "x".repeat(pad) + "é€🎉".repeat(40);
    const text = JSON.stringify({ data: [{ id: "a", note }], version: { min: 1, max: 2 } });
    const tailed = text.replace('],"version"', `,"${"€".repeat(50) + "x".repeat(pad)}"],"version"`);
    for (const reply of [text, tailed]) {
      const scanned = scanPage(reply);
      assert.deepEqual([scanned?.versionMin, scanned?.versionMax], [1, 2], reply.slice(-170));
    }
  }
});
