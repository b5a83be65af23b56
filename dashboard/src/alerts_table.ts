/// <reference lib="dom" />
// The alert log: each message the database sent (or held back), newest first, with what became
// of it. The message is text the database wrote; it is shown as text only.
import type { AlertRow } from "./api.ts";
import { h } from "./dom.ts";
import { formatRelative, formatTimestamp, truncate } from "./format.ts";

const head = ["When", "Kind", "Entity", "Message", "Delivery"];

function delivery(row: AlertRow): string {
  const tries = row.attempts === 1 ? "1 attempt" : `${row.attempts} attempts`;
  if (row.status === "sent") return `sent (${tries})`;
  if (row.status === "no_destination") return "no destination configured";
  if (row.status === "suppressed") return "held back: hourly limit reached";
  return `${row.status} (${tries})${row.last_error ? `: ${row.last_error}` : ""}`;
}

function alertRow(row: AlertRow): HTMLElement {
  return h(
    "tr",
    { attrs: { "data-alert": row.id, "data-kind": row.kind } },
    h("td", { attrs: { title: formatTimestamp(row.created_at) } }, formatRelative(row.created_at)),
    h("td", {}, row.kind),
    h("td", {}, row.entity ?? "—"),
    h("td", { class: "reason" }, truncate(row.message, 600)),
    h("td", {}, delivery(row)),
  );
}

export function alertsTable(rows: AlertRow[]): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, "No alert has been sent yet.");
  return h(
    "table",
    {},
    h("caption", { class: "sr-only" }, "Alerts sent"),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { attrs: { scope: "col" } }, c)))),
    h("tbody", {}, ...rows.map(alertRow)),
  );
}
