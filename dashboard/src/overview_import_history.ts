/// <reference lib="dom" />
// "Import history": after a confirmation, starts (or continues) the full historical import for
// every entity and shows the function's reply beside the button.
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { describeFunctionReply } from "./format.ts";

/** The button and its result line; `afterRun` redraws the overview once the call is done. */
export function importHistoryControl(
  ctx: ViewContext,
  afterRun: () => Promise<void>,
): HTMLElement {
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const button = h(
    "button",
    { class: "secondary", attrs: { type: "button" } },
    "Import history",
  );
  button.addEventListener("click", async () => {
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
      button.disabled = false;
      await afterRun();
    }
  });
  return h("div", { class: "section-actions" }, button, result);
}
