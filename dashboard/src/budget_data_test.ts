import assert from "node:assert/strict";
import { budgetSummary, budgetWindows } from "./budget_data.ts";

const now = Date.parse("2026-12-03T12:07:00Z");
const row = (window_start: string, requests: number, extra: Record<string, unknown> = {}) => ({
  window_start,
  runs: 1,
  requests,
  rate_limited: 0,
  budget_allowed: 855,
  lightspeed_limit: null,
  lightspeed_remaining: null,
  ...extra,
});

Deno.test("budget chart: one bar per 5-minute window of the last 24 h, requests summed in place", () => {
  const summary = budgetSummary([
    row("2026-12-03T12:05:00+00:00", 40),
    row("2026-12-03T11:50:00+00:00", 300, { rate_limited: 2, lightspeed_remaining: 12 }),
    row("2026-12-02T11:00:00+00:00", 999),
  ], now);
  const { days, series } = summary.data;
  assert.equal(days.length, budgetWindows);
  assert.equal(days.at(-1), "2026-12-03 12:05");
  assert.equal(days[0], "2026-12-02 12:10");
  assert.equal(series[0].values.at(-1), 40);
  assert.equal(series[0].values.at(-4), 300);
  assert.equal(series[0].values.reduce((a, b) => a + b, 0), 340, "older windows are left out");
  assert.deepEqual(
    [summary.peak, summary.allowed, summary.lowestRemaining, summary.rateLimited],
    [300, 855, 12, 2],
  );
});

Deno.test("budget chart: no figures where no run reported them", () => {
  const summary = budgetSummary([], now);
  assert.deepEqual(
    [summary.peak, summary.allowed, summary.lowestRemaining, summary.rateLimited],
    [0, null, null, 0],
  );
});
