/// <reference lib="dom" />
// Settings for one entity: pause it, and its warning and alert thresholds, saved through the
// column-granted, staff-only update policy of sync_settings.
import type { SettingsRow } from "./api.ts";
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { intervalToMinutes } from "./format.ts";
import { numberField } from "./form_fields.ts";

interface EntityFields {
  enabled: HTMLInputElement;
  yellow: HTMLInputElement;
  red: HTMLInputElement;
  save: HTMLButtonElement;
  result: HTMLElement;
}

/** Checks the thresholds, then saves and says what was saved. */
async function save(ctx: ViewContext, entity: string, fields: EntityFields) {
  const { enabled, result } = fields;
  const y = Number(fields.yellow.value);
  const r = Number(fields.red.value);
  if (!(y > 0) || !(r > y)) {
    result.className = "result bad";
    result.textContent = "The alert threshold must be longer than the warning threshold";
    return;
  }
  result.className = "result";
  result.textContent = "Saving…";
  fields.save.disabled = true;
  try {
    const saved = await ctx.api.updateSettings(entity, {
      enabled: enabled.checked,
      yellow_after: `${y} minutes`,
      red_after: `${r} minutes`,
    });
    enabled.checked = saved.enabled;
    result.className = "result ok";
    result.textContent = saved.enabled ? "Saved" : "Saved: paused";
  } catch (error) {
    result.className = "result bad";
    result.textContent = errorText(error);
  } finally {
    fields.save.disabled = false;
  }
}

export function entitySettingsForm(
  ctx: ViewContext,
  row: SettingsRow,
  index: number,
): HTMLFormElement {
  const enabledId = `settings-${index}-enabled`;
  const enabled = h("input", { id: enabledId, attrs: { type: "checkbox" } });
  enabled.checked = row.enabled;
  const yellow = numberField(
    `settings-${index}-yellow`,
    "Warn after (minutes)",
    intervalToMinutes(row.yellow_after),
    1,
    525600,
  );
  const red = numberField(
    `settings-${index}-red`,
    "Alert after (minutes)",
    intervalToMinutes(row.red_after),
    2,
    525600,
  );
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const saveButton = h("button", { attrs: { type: "submit" } }, "Save");
  const form = h(
    "form",
    {
      class: "entity-settings",
      attrs: { "aria-label": `Settings for ${row.entity}`, "data-entity": row.entity },
    },
    h("h4", {}, row.entity),
    h(
      "div",
      { class: "field checkbox" },
      enabled,
      h("label", { attrs: { for: enabledId } }, "Sync enabled"),
    ),
    yellow.wrap,
    red.wrap,
    h("div", { class: "field buttons" }, saveButton, result),
  );
  const fields = { enabled, yellow: yellow.el, red: red.el, save: saveButton, result };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(ctx, row.entity, fields);
  });
  return form;
}
