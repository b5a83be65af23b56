/// <reference lib="dom" />
// Settings: the scheduler's global schedule (on, every N minutes, nightly hour, time zone),
// saved through the column-granted, staff-only update policy of sync_schedule.
import type { ScheduleRow } from "./api.ts";
import { errorText, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { numberField } from "./form_fields.ts";

function zoneField(value: string | null) {
  const el = h("input", {
    id: "schedule-zone",
    attrs: { type: "text", placeholder: "e.g. Pacific/Auckland", autocomplete: "off" },
  });
  el.value = value ?? "";
  const wrap = h(
    "div",
    { class: "field" },
    h("label", { attrs: { for: "schedule-zone" } }, "Store time zone (blank: the first outlet's)"),
    el,
  );
  return { el, wrap };
}

export function scheduleForm(ctx: ViewContext, row: ScheduleRow): HTMLFormElement {
  const enabled = h("input", { id: "schedule-enabled", attrs: { type: "checkbox" } });
  enabled.checked = row.enabled;
  const every = numberField(
    "schedule-every",
    "Run every (minutes)",
    row.incremental_every_minutes,
    1,
    1440,
  );
  const hour = numberField("schedule-hour", "Nightly run at (hour, 0–23)", row.nightly_hour, 0, 23);
  const zone = zoneField(row.time_zone);
  const result = h("p", { class: "result", attrs: { role: "status" } });
  const form = h(
    "form",
    { class: "settings-form", attrs: { "aria-labelledby": "schedule-title" } },
    h(
      "div",
      { class: "field checkbox" },
      enabled,
      h("label", { attrs: { for: "schedule-enabled" } }, "Scheduled syncs enabled"),
    ),
    every.wrap,
    hour.wrap,
    zone.wrap,
    h(
      "div",
      { class: "field buttons" },
      h("button", { attrs: { type: "submit" } }, "Save schedule"),
      result,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.className = "result";
    result.textContent = "Saving…";
    try {
      await ctx.api.updateSchedule({
        enabled: enabled.checked,
        incremental_every_minutes: Number(every.el.value),
        nightly_hour: Number(hour.el.value),
        time_zone: zone.el.value.trim() || null,
      });
      result.className = "result ok";
      result.textContent = "Saved";
    } catch (error) {
      result.className = "result bad";
      result.textContent = errorText(error);
    }
  });
  return form;
}
