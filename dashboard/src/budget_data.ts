// Turns sync_rate_budget rows into the budget chart's data: one bar per 5-minute window of the
// last 24 hours, and the figures that say how close the store ran to its limit. Pure, so it is
// unit-tested without a browser.
import type { RateBudgetRow } from "./api.ts";
import type { ChartData } from "./chart_data.ts";

const windowMs = 5 * 60_000;
export const budgetWindows = 288;

export interface BudgetSummary {
  data: ChartData;
  /** The most requests of any window, and the allowance the runs paced themselves to. */
  peak: number;
  allowed: number | null;
  /** Lightspeed's lowest remaining budget reported, null where it reported none. */
  lowestRemaining: number | null;
  rateLimited: number;
}

/** "yyyy-mm-dd HH:MM" in UTC: the charts show it from the month on. */
function windowLabel(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

export function budgetSummary(rows: RateBudgetRow[], now = Date.now()): BudgetSummary {
  const last = Math.floor(now / windowMs) * windowMs;
  const first = last - (budgetWindows - 1) * windowMs;
  const requests = new Array(budgetWindows).fill(0);
  const maxOf = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? known : null;
  };
  for (const row of rows) {
    const i = Math.round((Date.parse(row.window_start) - first) / windowMs);
    if (i >= 0 && i < budgetWindows) requests[i] += Number(row.requests);
  }
  const allowed = maxOf(rows.map((r) => r.budget_allowed));
  const remaining = maxOf(rows.map((r) => r.lightspeed_remaining));
  return {
    data: {
      days: requests.map((_, i) => windowLabel(first + i * windowMs)),
      series: [{ name: "Requests", values: requests }],
    },
    peak: Math.max(...requests),
    allowed: allowed ? Math.max(...allowed) : null,
    lowestRemaining: remaining ? Math.min(...remaining) : null,
    rateLimited: rows.reduce((n, r) => n + Number(r.rate_limited), 0),
  };
}
