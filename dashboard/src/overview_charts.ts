/// <reference lib="dom" />
// The overview's charts: records synced per day, average run duration and failed runs, over the
// last days in the store's zone (the same days the history's date filter picks).
import type { DailyRow } from "./api.ts";
import { lastDays, seriesOf } from "./chart_data.ts";
import { lines, stackedBars } from "./charts.ts";
import { formatDuration, formatNumber } from "./format.ts";

export const chartDays = 14;

/** The days the charts show: the last chartDays in the store's zone, today last. */
export function chartDayRange(zone: string): string[] {
  return lastDays(chartDays, zone);
}

/**
 * A day on or before the first chart day in any zone (one UTC day more: no zone is a whole day
 * from UTC), so the rows load beside the store's zone instead of after it.
 */
export function chartDaysSince(now = Date.now()): string {
  return lastDays(chartDays + 1, "UTC", now)[0];
}

export function overviewCharts(daily: DailyRow[], days: string[]): HTMLElement[] {
  return [
    stackedBars(
      "Records synced per day",
      seriesOf(daily, days, (r) => r.records_changed),
      (n) => formatNumber(Math.round(n)),
    ),
    lines(
      "Average run duration",
      seriesOf(daily, days, (r) => r.avg_duration_ms),
      (n) => formatDuration(n),
    ),
    stackedBars(
      "Failed runs per day",
      seriesOf(daily, days, (r) => r.failures),
      (n) => formatNumber(Math.round(n * 10) / 10),
    ),
  ];
}
