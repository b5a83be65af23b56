/// <reference lib="dom" />
// The history's run detail: every counter of one run and its full error, in a panel that stays
// current on automatic refreshes without taking keyboard focus.
import type { HistoryRow } from "./api.ts";
import { h } from "./dom.ts";
import { formatDuration, formatNumber, formatTimestamp } from "./format.ts";

export interface RunDetailPanel {
  el: HTMLElement;
  /** Shows a run and focuses its title; null hides the panel. */
  show(run: HistoryRow | null): void;
  /** Redraws the open run from freshly loaded rows, leaving focus where it is. */
  refreshFrom(rows: HistoryRow[]): void;
}

/** A figure the run may not have (Lightspeed's rate-limit headers are undocumented). */
function optionalNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : formatNumber(value);
}

function counters(run: HistoryRow): HTMLElement {
  const item = (label: string, value: string) =>
    h("div", {}, h("dt", {}, label), h("dd", {}, value));
  return h(
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
    item("Allowed per 5 min", optionalNumber(run.budget_allowed)),
    item("Lightspeed remaining", optionalNumber(run.rate_limit_remaining)),
    item("Received", formatNumber(run.records_received)),
    item("Inserted", formatNumber(run.records_inserted)),
    item("Updated", formatNumber(run.records_updated)),
    item("Unchanged", formatNumber(run.records_unchanged)),
    item("Rejected", formatNumber(run.records_rejected)),
    item("Cursor start", run.cursor_start === null ? "—" : String(run.cursor_start)),
    item("Cursor end", run.cursor_end === null ? "—" : String(run.cursor_end)),
    item("Import", run.import_id ?? "—"),
  );
}

/** `closed` gets the id of the run whose panel was closed, to put focus back on its row. */
export function runDetailPanel(closed: (runId: number) => void): RunDetailPanel {
  let openRun: number | null = null;
  const el = h("section", {
    class: "detail",
    attrs: { "aria-labelledby": "run-title", hidden: true },
  });

  function show(run: HistoryRow | null) {
    if (!run) {
      el.hidden = true;
      openRun = null;
      return;
    }
    openRun = run.id;
    const close = h("button", { class: "secondary", attrs: { type: "button" } }, "Close");
    close.addEventListener("click", () => {
      show(null);
      closed(run.id);
    });
    const title = h(
      "h3",
      { id: "run-title", attrs: { tabindex: "-1" } },
      `Run #${run.id}: ${run.entity}`,
    );
    el.replaceChildren(
      h("div", { class: "section-head" }, title, close),
      counters(run),
      h("h4", {}, "Error"),
      run.error
        ? h("pre", { class: "error-block" }, run.error)
        : h("p", { class: "muted" }, "None"),
    );
    el.hidden = false;
    title.focus();
  }

  function refreshFrom(rows: HistoryRow[]) {
    if (openRun === null) return;
    const run = rows.find((r) => r.id === openRun);
    if (run && !el.hidden) {
      const focused = document.activeElement;
      show(run);
      if (focused instanceof HTMLElement) focused.focus();
    }
  }

  return { el, show, refreshFrom };
}
