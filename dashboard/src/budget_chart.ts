/// <reference lib="dom" />
// The rate budget over the last 24 hours: requests per Lightspeed window (5 minutes) against
// the allowance the runs paced themselves to, and what Lightspeed itself reported, if anything.
import type { RateBudgetRow } from "./api.ts";
import { budgetSummary } from "./budget_data.ts";
import { stackedBars } from "./charts.ts";
import { h } from "./dom.ts";
import { formatNumber } from "./format.ts";

export function budgetChart(rows: RateBudgetRow[]): HTMLElement {
  const summary = budgetSummary(rows);
  const share = summary.allowed
    ? ` (${Math.round((100 * summary.peak) / summary.allowed)} % of the ${
      formatNumber(summary.allowed)
    } allowed per window)`
    : "";
  return h(
    "div",
    { class: "budget" },
    stackedBars(
      "Lightspeed requests per 5 minutes, last 24 hours (UTC)",
      summary.data,
      (n) => formatNumber(Math.round(n)),
    ),
    h(
      "p",
      { class: "muted", attrs: { "data-budget-summary": "" } },
      `Busiest window: ${formatNumber(summary.peak)} requests${share}. ` +
        `429 replies: ${formatNumber(summary.rateLimited)}. ` +
        (summary.lowestRemaining === null
          ? "Lightspeed reported no remaining budget (X-RateLimit headers absent)."
          : `Lowest remaining budget Lightspeed reported: ${
            formatNumber(summary.lowestRemaining)
          }.`),
    ),
  );
}
