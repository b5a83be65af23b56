import assert from "node:assert/strict";
import type { DailyRow } from "./api.ts";
import { hasData, lastDays, niceMax, seriesOf } from "./chart_data.ts";

const row = (entity: string, day: string, records_changed: number) =>
  ({ entity, day, records_changed, runs: 1, failures: 0 }) as unknown as DailyRow;

Deno.test("lastDays() lists UTC days ending today", () => {
  assert.deepEqual(lastDays(3, Date.parse("2026-03-02T10:00:00Z")), [
    "2026-02-28",
    "2026-03-01",
    "2026-03-02",
  ]);
});

Deno.test("seriesOf() places values per entity and day, ignoring days out of range", () => {
  const days = ["2026-03-01", "2026-03-02"];
  const data = seriesOf(
    [
      row("sales", "2026-03-02", 5),
      row("products", "2026-03-01", 2),
      row("sales", "2025-01-01", 9),
    ],
    days,
    (r) => r.records_changed,
  );
  assert.deepEqual(data.series, [
    { name: "products", values: [2, 0] },
    { name: "sales", values: [0, 5] },
  ]);
  assert.equal(hasData(data), true);
  assert.equal(hasData(seriesOf([], days, (r) => r.runs)), false);
});

Deno.test("niceMax() rounds up to 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(7), 10);
  assert.equal(niceMax(12), 20);
  assert.equal(niceMax(430), 500);
  assert.equal(niceMax(1000), 1000);
});
