/// <reference lib="dom" />
// The overview's charts: records synced per day, average run duration and failed runs, over the
// last UTC days (the same days the history's date filter picks).
import type { DailyRow } from "./api.ts";
import { lastDays, seriesOf } from "./chart_data.ts";
import { lines, stackedBars } from "./charts.ts";
import { formatDuration, formatNumber } from "./format.ts";

export const chartDays = 14;

export function overviewCharts(daily: DailyRow[]): HTMLElement[] {
  const days = lastDays(chartDays);
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
