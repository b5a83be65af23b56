/// <reference lib="dom" />
// "Connect Lightspeed" (README § OAuth): asks lightspeed-oauth, with the staff member's JWT, for
// a new authorize URL and opens it; Lightspeed then returns the browser to the function's page
// saying whether the connect worked. With a personal token the function refuses, and we say so.
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { describeFunctionReply } from "./format.ts";

/** What to do with lightspeed-oauth's reply: open the authorize URL, or say why not. */
export function connectOutcome(
  status: number,
  body: Record<string, unknown> | null,
): { open: string } | { text: string } {
  const url = body?.authorize_url;
  if (status === 200 && typeof url === "string" && /^https?:\/\//.test(url)) return { open: url };
  if (status === 409) {
    return { text: "This sync signs in with a personal token (LIGHTSPEED_AUTH_MODE is not oauth)" };
  }
  return { text: describeFunctionReply("lightspeed-oauth", status, body).text };
}

export function connectLightspeedControl(ctx: ViewContext): HTMLElement {
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const button = h(
    "button",
    { class: "secondary", attrs: { type: "button" } },
    "Connect Lightspeed",
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.className = "result";
    result.textContent = "Asking for Lightspeed's approval page…";
    try {
      const reply = await ctx.api.invoke("lightspeed-oauth", { action: "start" });
      const outcome = connectOutcome(reply.status, reply.body);
      if ("open" in outcome) {
        result.textContent = "Opening Lightspeed…";
        globalThis.location.assign(outcome.open);
        return;
      }
      result.className = "result bad";
      result.textContent = outcome.text;
    } catch (error) {
      result.className = "result bad";
      result.textContent = `Could not start connecting: ${errorText(error)}`;
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "section-actions" }, button, result);
}
