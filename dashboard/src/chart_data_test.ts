import assert from "node:assert/strict";
import type { DailyRow } from "./api.ts";
import { hasData, lastDays, niceMax, seriesOf } from "./chart_data.ts";

const row = (entity: string, day: string, records_changed: number) =>
  ({ entity, day, records_changed, runs: 1, failures: 0 }) as unknown as DailyRow;

Deno.test("lastDays() lists the zone's days ending today there", () => {
  assert.deepEqual(lastDays(3, "UTC", Date.parse("2026-03-02T10:00:00Z")), [
    "2026-02-28",
    "2026-03-01",
    "2026-03-02",
  ]);
  // 11:30 UTC on 1 March is already 2 March in Auckland, still 1 March in Los Angeles.
  const now = Date.parse("2026-03-01T11:30:00Z");
  assert.deepEqual(lastDays(2, "Pacific/Auckland", now), ["2026-03-01", "2026-03-02"]);
  assert.deepEqual(lastDays(2, "America/Los_Angeles", now), ["2026-02-28", "2026-03-01"]);
});

Deno.test("lastDays() counts a 25-hour and a 23-hour day once each", () => {
  // 23:30 on Auckland's 25-hour 6 April 2025 (clocks back at 03:00): 24-hour steps back from
  // here would land on 00:30 of the same day and skip 5 April.
  assert.deepEqual(lastDays(3, "Pacific/Auckland", Date.parse("2025-04-06T11:30:00Z")), [
    "2025-04-04",
    "2025-04-05",
    "2025-04-06",
  ]);
  // 00:30 on 30 September 2024, after the 23-hour 29th (clocks forward at 02:00).
  assert.deepEqual(lastDays(3, "Pacific/Auckland", Date.parse("2024-09-29T11:30:00Z")), [
    "2024-09-28",
    "2024-09-29",
    "2024-09-30",
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
