/// <reference lib="dom" />
// Alerts: the messages the database sent (alerts_table.ts), the "send test alert" button, the
// rules staff switch and tune (alert_rule_form.ts), and the rate budget over the last 24 hours
// (budget_chart.ts).
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { alertRuleForm } from "./alert_rule_form.ts";
import { alertsTable } from "./alerts_table.ts";
import { budgetChart } from "./budget_chart.ts";

const shownAlerts = 50;

function section(id: string, title: string, ...children: HTMLElement[]): HTMLElement {
  return h(
    "section",
    { attrs: { "aria-labelledby": id } },
    h("h3", { id }, title),
    ...children,
  );
}

function testButton(ctx: ViewContext, sent: () => void): HTMLElement {
  const button = h("button", { attrs: { type: "button" } }, "Send test alert");
  const result = h("p", { class: "result", attrs: { role: "status" } });
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.className = "result";
    result.textContent = "Sending…";
    try {
      await ctx.api.sendTestAlert();
      result.className = "result ok";
      result.textContent = "Test alert sent to every configured destination";
      sent();
    } catch (error) {
      result.className = "result bad";
      result.textContent = errorText(error);
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "field buttons" }, button, result);
}

export function alertsView(ctx: ViewContext): View {
  const log = h("div", { class: "table-wrap" });
  const rules = h("div");
  const budget = h("div", { class: "charts" });
  const el = h(
    "div",
    { class: "view" },
    h("h2", {}, "Alerts"),
    section("alerts-log-title", "Sent alerts", testButton(ctx, () => refresh(true)), log),
    section("alerts-rules-title", "Rules", rules),
    section("alerts-budget-title", "Rate budget", budget),
  );

  async function refresh(auto: boolean) {
    try {
      const [alerts, budgetRows] = await Promise.all([
        ctx.api.alerts(shownAlerts),
        ctx.api.rateBudget(),
      ]);
      log.replaceChildren(alertsTable(alerts));
      budget.replaceChildren(budgetChart(budgetRows));
      // Never overwrite what someone is typing: the rules reload only on request.
      if (!auto) {
        rules.replaceChildren(...(await ctx.api.alertRules()).map((r) => alertRuleForm(ctx, r)));
      }
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
