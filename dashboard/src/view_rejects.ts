/// <reference lib="dom" />
// Rejected records per entity: what could not be stored, why, and the payload as received.
// The payload is hostile until proven otherwise: it is shown as JSON text only.
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { formatNumber, formatRelative, formatTimestamp, truncate } from "./format.ts";

export function rejectsView(ctx: ViewContext, initialEntity?: string): View {
  const entity = h("select", { id: "rejects-entity" });
  const resolved = h("input", { id: "rejects-resolved", attrs: { type: "checkbox" } });
  const summary = h("p", { class: "muted", attrs: { role: "status", "aria-live": "polite" } });
  const list = h("div", { class: "table-wrap" });
  const el = h(
    "div",
    { class: "view" },
    h("h2", {}, "Rejected records"),
    h(
      "div",
      { class: "filters" },
      h(
        "div",
        { class: "field" },
        h("label", { attrs: { for: "rejects-entity" } }, "Entity"),
        entity,
      ),
      h(
        "div",
        { class: "field checkbox" },
        resolved,
        h("label", { attrs: { for: "rejects-resolved" } }, "Include resolved"),
      ),
    ),
    summary,
    list,
  );
  entity.addEventListener("change", () => refresh(false));
  resolved.addEventListener("change", () => refresh(false));

  async function refresh(_auto: boolean) {
    try {
      if (entity.options.length === 0) {
        const rows = await ctx.api.status();
        for (const row of rows) {
          entity.append(
            h(
              "option",
              { attrs: { value: row.entity } },
              `${row.entity} (${formatNumber(row.open_rejects)} open)`,
            ),
          );
        }
        if (initialEntity) entity.value = initialEntity;
      }
      if (!entity.value) {
        summary.textContent = "No entities are visible to this account.";
        list.replaceChildren();
        return;
      }
      const { rows, total } = await ctx.api.rejects(entity.value, resolved.checked);
      summary.textContent = total === 0
        ? `No ${resolved.checked ? "" : "open "}rejected records for ${entity.value}.`
        : `${formatNumber(total)} ${resolved.checked ? "" : "open "}rejected records` +
          (total > rows.length ? ` (newest ${rows.length} shown)` : "");
      if (rows.length === 0) {
        list.replaceChildren();
        return;
      }
      list.replaceChildren(
        h(
          "table",
          {},
          h("caption", { class: "sr-only" }, `Rejected ${entity.value} records`),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...["Record", "Version", "Reason", "Seen", "Last seen", "Payload"].map(
                (c) => h("th", { attrs: { scope: "col" } }, c),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            ...rows.map((row) =>
              h(
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
              )
            ),
          ),
        ),
      );
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
