/// <reference lib="dom" />
// The history's table of runs, newest first; each run's number opens its detail.
import type { HistoryRow } from "./api.ts";
import { h } from "./dom.ts";
import { formatDuration, formatNumber, formatTimestamp, truncate } from "./format.ts";

const head = [
  "Run",
  "Started",
  "Entity",
  "Trigger",
  "Status",
  "Duration",
  "Received",
  "Changed",
  "Rejected",
  "Error",
];

function runRow(run: HistoryRow, open: (id: number) => void): HTMLElement {
  const button = h("button", {
    class: "link",
    attrs: { type: "button", "data-run": run.id, "aria-label": `Open run ${run.id}` },
  }, `#${run.id}`);
  button.addEventListener("click", () => open(run.id));
  return h(
    "tr",
    { attrs: { "data-status": run.status, "data-entity": run.entity } },
    h("td", {}, button),
    h("td", {}, formatTimestamp(run.started_at)),
    h("td", {}, run.entity),
    h("td", {}, run.trigger),
    h("td", {}, h("span", { class: `status status-${run.status}` }, run.status)),
    h("td", { class: "num" }, formatDuration(run.duration_ms)),
    h("td", { class: "num" }, formatNumber(run.records_received)),
    h("td", { class: "num" }, formatNumber(run.records_changed)),
    h("td", { class: "num" }, formatNumber(run.records_rejected)),
    h("td", { class: "error-cell" }, run.error ? truncate(run.error, 120) : ""),
  );
}

export function runsTable(rows: HistoryRow[], open: (id: number) => void): HTMLElement {
  return h(
    "table",
    {},
    h("caption", { class: "sr-only" }, "Sync runs, newest first"),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { attrs: { scope: "col" } }, c)))),
    h("tbody", {}, ...rows.map((run) => runRow(run, open))),
  );
}
