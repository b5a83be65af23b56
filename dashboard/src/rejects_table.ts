/// <reference lib="dom" />
// The table of one entity's rejected records. The payload is hostile until proven otherwise:
// it is shown as JSON text only, folded away until asked for.
import type { RejectRow } from "./api.ts";
import { h } from "./dom.ts";
import { formatNumber, formatRelative, formatTimestamp, truncate } from "./format.ts";

const head = ["Record", "Version", "Reason", "Seen", "Last seen", "Payload"];

function rejectRow(row: RejectRow): HTMLElement {
  return h(
    "tr",
    { attrs: { "data-reject": row.id } },
    h("td", { class: "mono" }, row.record_id ?? "(no id)"),
    h("td", { class: "mono" }, row.version === null ? "—" : String(row.version)),
    h("td", { class: "reason" }, truncate(row.reason, 400)),
    h("td", { class: "num" }, `${formatNumber(row.seen_count)}×`),
    h(
      "td",
      { attrs: { title: formatTimestamp(row.last_seen_at) } },
      formatRelative(row.last_seen_at),
      row.resolved_at ? " (resolved)" : "",
    ),
    h(
      "td",
      {},
      h(
        "details",
        {},
        h("summary", {}, "Show payload"),
        h("pre", { class: "raw" }, truncate(JSON.stringify(row.raw, null, 2), 8000)),
      ),
    ),
  );
}

export function rejectsTable(entity: string, rows: RejectRow[]): HTMLElement {
  return h(
    "table",
    {},
    h("caption", { class: "sr-only" }, `Rejected ${entity} records`),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { attrs: { scope: "col" } }, c)))),
    h("tbody", {}, ...rows.map(rejectRow)),
  );
}
