/// <reference lib="dom" />
// History: filter runs by entity, status and date (history_filters.ts), page through them
// (history_table.ts), open one to read its counters and error (history_detail.ts). This file
// holds the view's state and loads its data.
import type { HistoryFilter, HistoryRow } from "./api.ts";
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { displayTimeZone, formatNumber } from "./format.ts";
import { runDetailPanel } from "./history_detail.ts";
import { historyFilterForm } from "./history_filters.ts";
import { runsTable } from "./history_table.ts";
import { loadStoreTime } from "./store_time.ts";

const pageSize = 25;

function summaryText(page: number, shown: number, total: number): string {
  const first = total === 0 ? 0 : page * pageSize + 1;
  return total === 0
    ? "No runs match these filters."
    : `Showing runs ${formatNumber(first)}–${formatNumber(first + shown - 1)} of ` +
      `${formatNumber(total)}`;
}

interface HistoryParts {
  form: HTMLElement;
  /** Which zone the days and times are in: the store's. */
  zoneNote: HTMLElement;
  summary: HTMLElement;
  tableWrap: HTMLElement;
  prev: HTMLButtonElement;
  next: HTMLButtonElement;
  detail: HTMLElement;
}

function layout(parts: HistoryParts): HTMLElement {
  return h(
    "div",
    { class: "view" },
    h("h2", {}, "Sync history"),
    parts.zoneNote,
    parts.form,
    parts.summary,
    parts.tableWrap,
    h("nav", { class: "pager", attrs: { "aria-label": "Pages" } }, parts.prev, parts.next),
    parts.detail,
  );
}

/** One page of runs: the summary line, the table (or why it is empty) and the pager. */
function showPage(
  parts: HistoryParts,
  page: number,
  rows: HistoryRow[],
  total: number,
  openRun: (id: number) => void,
) {
  parts.zoneNote.textContent = `Days and times in the store's time zone, ${displayTimeZone()}.`;
  parts.summary.textContent = summaryText(page, rows.length, total);
  parts.tableWrap.replaceChildren(
    rows.length ? runsTable(rows, openRun) : h(
      "p",
      { class: "empty" },
      "Nothing to show. Change the filters, or wait for the next scheduled run.",
    ),
  );
  parts.prev.disabled = page === 0;
  parts.next.disabled = (page + 1) * pageSize >= total;
}

export function historyView(ctx: ViewContext, initialEntity?: string): View {
  const filter: HistoryFilter = { entity: initialEntity };
  let page = 0;
  const goTo = (next: number) => {
    page = next;
    refresh(false);
  };
  const filters = historyFilterForm(filter, {
    applied: () => goTo(0),
    cleared() {
      page = 0;
      setTimeout(() => refresh(false));
    },
  });
  const tableWrap = h("div", { class: "table-wrap" });
  const detail = runDetailPanel((runId) => {
    tableWrap.querySelector<HTMLButtonElement>(`button[data-run="${runId}"]`)?.focus();
  });
  const parts: HistoryParts = {
    form: filters.form,
    zoneNote: h("p", { class: "muted zone-note" }),
    summary: h("p", { class: "muted", attrs: { role: "status", "aria-live": "polite" } }),
    tableWrap,
    prev: h("button", { class: "secondary", attrs: { type: "button" } }, "Previous"),
    next: h("button", { class: "secondary", attrs: { type: "button" } }, "Next"),
    detail: detail.el,
  };
  parts.prev.addEventListener("click", () => goTo(Math.max(0, page - 1)));
  parts.next.addEventListener("click", () => goTo(page + 1));

  async function openRun(id: number) {
    try {
      detail.show(await ctx.api.run(id));
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  // Refreshes overlap (Reset then Apply, a click during the periodic refresh) and their
  // answers may arrive in any order: only the latest one started may draw the table, or an
  // older answer for other filters would replace the one the staff member asked for last.
  let latestRefresh = 0;

  async function refresh(auto: boolean): Promise<void> {
    const thisRefresh = ++latestRefresh;
    try {
      if (filters.needsEntities()) {
        filters.fillEntities((await ctx.api.status()).map((r) => r.entity));
      }
      const [{ rows, total }] = await Promise.all([
        ctx.api.history(filter, page, pageSize),
        loadStoreTime(ctx.api),
      ]);
      if (thisRefresh !== latestRefresh) return;
      if (rows.length === 0 && page > 0 && !auto) {
        page = Math.max(0, Math.ceil(total / pageSize) - 1);
        return await refresh(auto);
      }
      showPage(parts, page, rows, total, openRun);
      if (auto) detail.refreshFrom(rows);
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el: layout(parts), refresh };
}
