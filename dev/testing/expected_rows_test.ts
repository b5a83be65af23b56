import assert from "node:assert/strict";
import {
  canonicalDecimal,
  expectedCell,
  firstDifference,
  holdsUnstorableText,
  instantOf,
  sortedJson,
  storableCopy,
} from "./expected_rows.ts";

Deno.test("decimals are expected as PostgreSQL's numeric prints them, scale kept", () => {
  const cases: [number | string, string][] = [
    [12.5, "12.5"],
    ["12.50", "12.50"],
    [0.30000000000000004, "0.30000000000000004"],
    ["007.10", "7.10"],
    [".5", "0.5"],
    ["-0", "0"],
    ["-0.00", "0.00"],
    [-3, "-3"],
    [1e21, "1000000000000000000000"],
    [1e-7, "0.0000001"],
    ["1.5e1", "15"],
    ["25e-1", "2.5"],
    ["+4", "4"],
  ];
  for (const [value, text] of cases) assert.equal(canonicalDecimal(value), text, String(value));
  assert.throws(() => canonicalDecimal("lots"), /Not a decimal/);
  assert.throws(() => canonicalDecimal("."), /Not a decimal/);
});

Deno.test("time stamps are expected as instants, a zone-less one read as UTC", () => {
  const utc = Date.UTC(2025, 2, 1, 10, 15, 0);
  assert.equal(instantOf("2025-03-01T10:15:00Z"), utc);
  assert.equal(instantOf("2025-03-01 10:15:00"), utc);
  assert.equal(instantOf("2025-03-01T11:15:00+01:00"), utc);
  assert.equal(instantOf("2025-03-01T11:15:00+01"), utc);
  assert.equal(instantOf("2025-03-01T05:15:00-0500"), utc);
  assert.equal(instantOf("2025-03-01"), Date.UTC(2025, 2, 1));
  assert.throws(() => instantOf("yesterday"), /Not a time stamp/);
});

Deno.test("each column type reads its JSON value; an empty string is no value but for text", () => {
  assert.equal(
    expectedCell("uuid", "ABCDEF00-0000-0000-0000-000000000001"),
    "abcdef00-0000-0000-0000-000000000001",
  );
  assert.equal(expectedCell("text", ""), "");
  assert.equal(expectedCell("text", 5), "5");
  assert.equal(expectedCell("text", true), "true");
  assert.equal(expectedCell("decimal", ""), null);
  assert.equal(expectedCell("decimal", undefined), null);
  assert.equal(expectedCell("whole", 42), "42");
  assert.equal(expectedCell("whole", "42.0"), "42");
  assert.equal(expectedCell("day", "1990-05-17T00:00:00Z"), "1990-05-17");
  assert.equal(expectedCell("flag", "false"), false);
  assert.equal(expectedCell("flag", 1), true);
  assert.equal(expectedCell("instant", "2025-03-01T10:15:00Z"), Date.UTC(2025, 2, 1, 10, 15));
});

Deno.test("the one known transformation: text jsonb cannot hold becomes U+FFFD in the reject", () => {
  const record = { id: "x", note: "a\u0000b", lines: [{ "k\u0000": "\ud800 lone" }], ok: "😀" };
  assert.equal(holdsUnstorableText(record), true);
  assert.deepEqual(storableCopy(record), {
    id: "x",
    note: "a\ufffdb",
    lines: [{ "k\ufffd": "\ufffd lone" }],
    ok: "😀",
  });
  assert.equal(holdsUnstorableText({ ok: "😀 paired surrogates", n: 1 }), false);
  assert.equal(holdsUnstorableText(storableCopy(record)), false);
});

Deno.test("the first difference between two JSON values is named by its path", () => {
  const served = { id: "a", line_items: [{ quantity: 2 }], note: "x" };
  assert.equal(firstDifference(served, structuredClone(served)), null);
  assert.equal(
    firstDifference(served, { ...served, line_items: [{ quantity: 3 }] }),
    ".line_items[0].quantity: 2 vs 3",
  );
  assert.equal(
    firstDifference(served, { id: "a", line_items: [{ quantity: 2 }] }),
    ".note: missing",
  );
  assert.equal(firstDifference({ a: 1 }, { a: 1, b: 2 }), ".b: not in the source");
  assert.equal(firstDifference({ a: "1" }, { a: 1 }), '.a: "1" vs 1');
  assert.equal(sortedJson({ b: 1, a: { d: 1, c: 2 } }), '{"a":{"c":2,"d":1},"b":1}');
});
