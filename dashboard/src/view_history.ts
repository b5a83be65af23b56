/// <reference lib="dom" />
// History: filter runs by entity, status and date, page through them, open one to read its
// counters and error.
import type { HistoryFilter, HistoryRow } from "./api.ts";
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { formatDuration, formatNumber, formatTimestamp, truncate } from "./format.ts";

const pageSize = 25;
const statuses = ["running", "completed", "partial", "failed", "skipped"];

function select(id: string, label: string, options: string[], allLabel: string) {
  const el = h("select", { id }, h("option", { attrs: { value: "" } }, allLabel));
  for (const option of options) el.append(h("option", { attrs: { value: option } }, option));
  return { el, wrap: h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), el) };
}

function dateInput(id: string, label: string) {
  const el = h("input", { id, attrs: { type: "date" } });
  return { el, wrap: h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), el) };
}

export function historyView(ctx: ViewContext, initialEntity?: string): View {
  const filter: HistoryFilter = { entity: initialEntity };
  let page = 0;
  let openRun: number | null = null;

  const entity = select("filter-entity", "Entity", [], "All entities");
  const status = select("filter-status", "Status", statuses, "All statuses");
  // UTC days, like the charts (sync_daily); the table's times are the browser's local time.
  const from = dateInput("filter-from", "From (UTC day)");
  const to = dateInput("filter-to", "To (UTC day)");
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
  const summary = h("p", { class: "muted", attrs: { role: "status", "aria-live": "polite" } });
  const tableWrap = h("div", { class: "table-wrap" });
  const prev = h("button", { class: "secondary", attrs: { type: "button" } }, "Previous");
  const next = h("button", { class: "secondary", attrs: { type: "button" } }, "Next");
  const detail = h("section", {
    class: "detail",
    attrs: { "aria-labelledby": "run-title", hidden: true },
  });
  const el = h(
    "div",
    { class: "view" },
    h("h2", {}, "Sync history"),
    form,
    summary,
    tableWrap,
    h("nav", { class: "pager", attrs: { "aria-label": "Pages" } }, prev, next),
    detail,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    filter.entity = entity.el.value || undefined;
    filter.status = status.el.value || undefined;
    filter.from = from.el.value || undefined;
    filter.to = to.el.value || undefined;
    page = 0;
    refresh(false);
  });
  form.addEventListener("reset", () => {
    filter.entity =
      filter.status =
      filter.from =
      filter.to =
        undefined;
    page = 0;
    setTimeout(() => refresh(false));
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    refresh(false);
  });
  next.addEventListener("click", () => {
    page += 1;
    refresh(false);
  });

  function showDetail(run: HistoryRow | null) {
    if (!run) {
      detail.hidden = true;
      openRun = null;
      return;
    }
    openRun = run.id;
    const item = (label: string, value: string) =>
      h("div", {}, h("dt", {}, label), h("dd", {}, value));
    const close = h("button", { class: "secondary", attrs: { type: "button" } }, "Close");
    close.addEventListener("click", () => {
      showDetail(null);
      tableWrap.querySelector<HTMLButtonElement>(`button[data-run="${run.id}"]`)?.focus();
    });
    const title = h(
      "h3",
      { id: "run-title", attrs: { tabindex: "-1" } },
      `Run #${run.id}: ${run.entity}`,
    );
    detail.replaceChildren(
      h("div", { class: "section-head" }, title, close),
      h(
        "dl",
        { class: "counters" },
        item("Status", run.status),
        item("Trigger", run.trigger),
        item("Started", formatTimestamp(run.started_at)),
        item("Finished", formatTimestamp(run.finished_at)),
        item("Duration", formatDuration(run.duration_ms)),
        item("Pages", formatNumber(run.pages)),
        item("Requests", formatNumber(run.requests)),
        item("Rate limited", formatNumber(run.rate_limited)),
        item("Received", formatNumber(run.records_received)),
        item("Inserted", formatNumber(run.records_inserted)),
        item("Updated", formatNumber(run.records_updated)),
        item("Unchanged", formatNumber(run.records_unchanged)),
        item("Rejected", formatNumber(run.records_rejected)),
        item("Cursor start", run.cursor_start === null ? "—" : String(run.cursor_start)),
        item("Cursor end", run.cursor_end === null ? "—" : String(run.cursor_end)),
        item("Import", run.import_id ?? "—"),
      ),
      h("h4", {}, "Error"),
      run.error
        ? h("pre", { class: "error-block" }, run.error)
        : h("p", { class: "muted" }, "None"),
    );
    detail.hidden = false;
    title.focus();
  }

  function table(rows: HistoryRow[]) {
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
    return h(
      "table",
      {},
      h("caption", { class: "sr-only" }, "Sync runs, newest first"),
      h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { attrs: { scope: "col" } }, c)))),
      h(
        "tbody",
        {},
        ...rows.map((run) => {
          const open = h("button", {
            class: "link",
            attrs: { type: "button", "data-run": run.id, "aria-label": `Open run ${run.id}` },
          }, `#${run.id}`);
          open.addEventListener("click", async () => {
            try {
              showDetail(await ctx.api.run(run.id));
            } catch (error) {
              ctx.notify(errorText(error), "error");
            }
          });
          return h(
            "tr",
            { attrs: { "data-status": run.status, "data-entity": run.entity } },
            h("td", {}, open),
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
        }),
      ),
    );
  }

  async function refresh(auto: boolean) {
    try {
      if (entity.el.options.length === 1) {
        const names = (await ctx.api.status()).map((r) => r.entity);
        for (const name of names) entity.el.append(h("option", { attrs: { value: name } }, name));
        if (filter.entity) entity.el.value = filter.entity;
      }
      const { rows, total } = await ctx.api.history(filter, page, pageSize);
      if (rows.length === 0 && page > 0 && !auto) {
        page = Math.max(0, Math.ceil(total / pageSize) - 1);
        return await refresh(auto);
      }
      const first = total === 0 ? 0 : page * pageSize + 1;
      summary.textContent = total === 0
        ? "No runs match these filters."
        : `Showing runs ${formatNumber(first)}–${formatNumber(first + rows.length - 1)} of ` +
          `${formatNumber(total)}`;
      tableWrap.replaceChildren(
        rows.length ? table(rows) : h(
          "p",
          { class: "empty" },
          "Nothing to show. Change the filters, or wait for the next scheduled run.",
        ),
      );
      prev.disabled = page === 0;
      next.disabled = (page + 1) * pageSize >= total;
      if (openRun !== null && auto) {
        const run = rows.find((r) => r.id === openRun);
        if (run && !detail.hidden) {
          // keep the open panel current without stealing focus
          const focused = document.activeElement;
          showDetail(run);
          if (focused instanceof HTMLElement) focused.focus();
        }
      }
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
