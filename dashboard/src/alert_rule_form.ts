/// <reference lib="dom" />
// One alert rule: on or off and its threshold, saved through the column-granted, staff-only
// update policy of alert_rules (the destinations and sending limits are the operator's).
import type { AlertRuleRow } from "./api.ts";
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { numberField } from "./form_fields.ts";

// The bounds alert_rules checks, per unit.
const thresholdBounds = { runs: 100, rejects: 100000, minutes: 1440 } as const;

async function save(
  ctx: ViewContext,
  row: AlertRuleRow,
  fields: { enabled: HTMLInputElement; threshold: HTMLInputElement | null; result: HTMLElement },
) {
  const { result } = fields;
  result.className = "result";
  result.textContent = "Saving…";
  try {
    const saved = await ctx.api.updateAlertRule(row.rule, {
      enabled: fields.enabled.checked,
      ...(fields.threshold ? { threshold: Number(fields.threshold.value) } : {}),
    });
    fields.enabled.checked = saved.enabled;
    result.className = "result ok";
    result.textContent = saved.enabled ? "Saved" : "Saved: off";
  } catch (error) {
    result.className = "result bad";
    result.textContent = errorText(error);
  }
}

export function alertRuleForm(ctx: ViewContext, row: AlertRuleRow): HTMLFormElement {
  const enabledId = `alert-rule-${row.rule}-enabled`;
  const enabled = h("input", { id: enabledId, attrs: { type: "checkbox" } });
  enabled.checked = row.enabled;
  const threshold = row.threshold_unit
    ? numberField(
      `alert-rule-${row.rule}-threshold`,
      `Threshold (${row.threshold_unit})`,
      row.threshold,
      1,
      thresholdBounds[row.threshold_unit],
    )
    : null;
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const form = h(
    "form",
    {
      class: "entity-settings",
      attrs: { "aria-label": `Alert rule ${row.rule}`, "data-rule": row.rule },
    },
    h("h4", {}, row.description),
    h(
      "div",
      { class: "field checkbox" },
      enabled,
      h("label", { attrs: { for: enabledId } }, "Alert on"),
    ),
    threshold?.wrap,
    h(
      "div",
      { class: "field buttons" },
      h("button", { attrs: { type: "submit" } }, "Save"),
      result,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(ctx, row, { enabled, threshold: threshold?.el ?? null, result });
  });
  return form;
}
