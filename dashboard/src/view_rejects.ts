/// <reference lib="dom" />
// Rejected records per entity: what could not be stored, why, and the payload as received
// (rejects_table.ts). This file holds the entity picker and loads the records.
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { formatNumber } from "./format.ts";
import { rejectsTable } from "./rejects_table.ts";
import { loadStoreTime } from "./store_time.ts";

function layout(
  entity: HTMLElement,
  resolved: HTMLElement,
  summary: HTMLElement,
  list: HTMLElement,
) {
  return h(
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
}

function summaryText(entity: string, includeResolved: boolean, shown: number, total: number) {
  const open = includeResolved ? "" : "open ";
  return total === 0
    ? `No ${open}rejected records for ${entity}.`
    : `${formatNumber(total)} ${open}rejected records` +
      (total > shown ? ` (newest ${shown} shown)` : "");
}

export function rejectsView(ctx: ViewContext, initialEntity?: string): View {
  const entity = h("select", { id: "rejects-entity" });
  const resolved = h("input", { id: "rejects-resolved", attrs: { type: "checkbox" } });
  const summary = h("p", { class: "muted", attrs: { role: "status", "aria-live": "polite" } });
  const list = h("div", { class: "table-wrap" });
  const el = layout(entity, resolved, summary, list);
  entity.addEventListener("change", () => refresh(false));
  resolved.addEventListener("change", () => refresh(false));

  async function fillEntities() {
    for (const row of await ctx.api.status()) {
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

  async function refresh(_auto: boolean) {
    try {
      if (entity.options.length === 0) await fillEntities();
      if (!entity.value) {
        summary.textContent = "No entities are visible to this account.";
        list.replaceChildren();
        return;
      }
      const [{ rows, total }] = await Promise.all([
        ctx.api.rejects(entity.value, resolved.checked),
        loadStoreTime(ctx.api),
      ]);
      summary.textContent = summaryText(entity.value, resolved.checked, rows.length, total);
      list.replaceChildren(...(rows.length === 0 ? [] : [rejectsTable(entity.value, rows)]));
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
