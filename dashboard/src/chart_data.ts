// Turns sync_daily rows into chart series. Pure, so it is unit-tested without a browser.
import type { DailyRow } from "./api.ts";
import { localDate } from "./format.ts";

export interface Series {
  name: string;
  values: number[];
}

export interface ChartData {
  days: string[];
  series: Series[];
}

/**
 * The last `count` days ending today in a zone, as yyyy-mm-dd (sync_daily counts store days).
 * Counted on the calendar, not in 24-hour steps, so a 23- or 25-hour day is one day.
 */
export function lastDays(count: number, zone: string, now = Date.now()): string[] {
  const [year, month, day] = localDate(now, zone).split("-").map(Number);
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    days.push(new Date(Date.UTC(year, month - 1, day - i)).toISOString().slice(0, 10));
  }
  return days;
}

export function seriesOf(
  rows: DailyRow[],
  days: string[],
  pick: (row: DailyRow) => number | null,
): ChartData {
  const index = new Map(days.map((d, i) => [d, i]));
  const byEntity = new Map<string, number[]>();
  for (const row of rows) {
    const i = index.get(String(row.day).slice(0, 10));
    if (i === undefined) continue;
    const values = byEntity.get(row.entity) ?? new Array(days.length).fill(0);
    values[i] += Number(pick(row) ?? 0);
    byEntity.set(row.entity, values);
  }
  const series = [...byEntity.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, values]) => ({ name, values }));
  return { days, series };
}

/** A round axis maximum at or above `max`: 1, 2, 5 × 10^n. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

export function hasData(data: ChartData): boolean {
  return data.series.some((s) => s.values.some((v) => v > 0));
}
