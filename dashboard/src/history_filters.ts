/// <reference lib="dom" />
// The history's filter form: entity, status and a range of the store's days. Applying or resetting it
// rewrites the shared filter, then tells the view.
import type { HistoryFilter } from "./api.ts";
import { h } from "./dom.ts";
import { dateField, selectField } from "./form_fields.ts";

const statuses = ["running", "completed", "partial", "failed", "skipped"];

export interface HistoryFilterForm {
  form: HTMLFormElement;
  /** Adds the entities once they are known, selecting the filter's entity if any. */
  fillEntities(names: string[]): void;
  /** Whether fillEntities still has to run. */
  needsEntities(): boolean;
}

export function historyFilterForm(
  filter: HistoryFilter,
  on: { applied(): void; cleared(): void },
): HistoryFilterForm {
  const entity = selectField("filter-entity", "Entity", [], "All entities");
  const status = selectField("filter-status", "Status", statuses, "All statuses");
  // Store days, like the charts (sync_daily) and the table's times (shell.ts sets the zone).
  const from = dateField("filter-from", "From (store day)");
  const to = dateField("filter-to", "To (store day)");
  const form = h(
    "form",
    { class: "filters", attrs: { "aria-label": "Filter runs" } },
    entity.wrap,
    status.wrap,
    from.wrap,
    to.wrap,
    h(
      "div",
      { class: "field buttons" },
      h("button", { attrs: { type: "submit" } }, "Apply filters"),
      h("button", { class: "secondary", attrs: { type: "reset" } }, "Reset"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    filter.entity = entity.el.value || undefined;
    filter.status = status.el.value || undefined;
    filter.from = from.el.value || undefined;
    filter.to = to.el.value || undefined;
    on.applied();
  });
  form.addEventListener("reset", () => {
    filter.entity =
      filter.status =
      filter.from =
      filter.to =
        undefined;
    on.cleared();
  });
  return {
    form,
    needsEntities: () => entity.el.options.length === 1,
    fillEntities(names) {
      for (const name of names) entity.el.append(h("option", { attrs: { value: name } }, name));
      if (filter.entity) entity.el.value = filter.entity;
    },
  };
}
