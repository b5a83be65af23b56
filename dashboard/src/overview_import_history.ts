/// <reference lib="dom" />
// "Import history": after a confirmation, starts (or continues) the full historical import for
// every entity and shows the function's reply beside the button. While an import runs (view
// sync_import_status) the button is disabled and says since when: one import at a time.
import type { ImportStatusRow } from "./api.ts";
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { describeFunctionReply, formatTimestamp } from "./format.ts";

export interface ImportHistoryControl {
  el: HTMLElement;
  /** Shows the import's state: the button is disabled while one runs. */
  show(status: ImportStatusRow | null): void;
}

/** The state line under the button, or "" when nothing is importing. */
export function importStateText(status: ImportStatusRow | null): string {
  if (!status) return "";
  const entities = status.entities.join(", ");
  if (status.running) {
    return `An import is running since ${formatTimestamp(status.running_since)}` +
      (entities ? ` (${entities})` : "");
  }
  if (status.stalled) {
    return `The import of ${entities} has stalled; Import history continues it`;
  }
  return "";
}

/** The button and its result line; `afterRun` redraws the overview once the call is done. */
export function importHistoryControl(
  ctx: ViewContext,
  afterRun: () => Promise<void>,
): ImportHistoryControl {
  const state = h("p", { class: "result", attrs: { "data-import-state": "" } });
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const button = h(
    "button",
    { class: "secondary", attrs: { type: "button" } },
    "Import history",
  );
  let running = false;
  button.addEventListener("click", async () => {
    if (running) return;
    if (!confirm("Start (or continue) the full historical import for every entity?")) return;
    button.disabled = true;
    result.className = "result";
    result.textContent = "Starting the import…";
    try {
      const reply = await ctx.api.invoke("import-history", {});
      const outcome = describeFunctionReply("import-history", reply.status, reply.body);
      result.className = `result ${outcome.ok ? "ok" : "bad"}`;
      result.textContent = outcome.text;
    } catch (error) {
      result.className = "result bad";
      result.textContent = `Could not start the import: ${errorText(error)}`;
    } finally {
      button.disabled = running;
      await afterRun();
    }
  });
  return {
    el: h("div", { class: "section-actions" }, button, state, result),
    show(status) {
      running = status?.running ?? false;
      button.disabled = running;
      button.title = running ? "An import is running; wait for it to finish" : "";
      state.textContent = importStateText(status);
    },
  };
}
