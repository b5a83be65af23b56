/// <reference lib="dom" />
// Settings: the scheduler's global schedule (when that table exists) and, per entity, pause
// and freshness thresholds. Writes go through the column-granted, staff-only update policies.
import type { ScheduleRow, SettingsRow } from "./api.ts";
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { intervalToMinutes } from "./format.ts";

function numberField(id: string, label: string, value: number | null, min: number, max: number) {
  const input = h("input", {
    id,
    attrs: { type: "number", min, max, step: 1, required: true, inputmode: "numeric" },
  });
  input.value = value === null ? "" : String(value);
  return {
    input,
    wrap: h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), input),
  };
}

export function settingsView(ctx: ViewContext): View {
  const scheduleBox = h("div");
  const entitiesBox = h("div", { class: "table-wrap" });
  const el = h(
    "div",
    { class: "view" },
    h("h2", {}, "Settings"),
    h(
      "section",
      { attrs: { "aria-labelledby": "schedule-title" } },
      h("h3", { id: "schedule-title" }, "Schedule"),
      scheduleBox,
    ),
    h(
      "section",
      { attrs: { "aria-labelledby": "entity-settings-title" } },
      h("h3", { id: "entity-settings-title" }, "Entities"),
      h(
        "p",
        { class: "muted" },
        "Pause an entity to stop its scheduled syncs. Its tile turns yellow after the warning " +
          "threshold without a successful sync, and red after the alert threshold.",
      ),
      entitiesBox,
    ),
  );

  function scheduleForm(row: ScheduleRow) {
    const enabled = h("input", { id: "schedule-enabled", attrs: { type: "checkbox" } });
    enabled.checked = row.enabled;
    const every = numberField(
      "schedule-every",
      "Run every (minutes)",
      row.incremental_every_minutes,
      1,
      1440,
    );
    const hour = numberField(
      "schedule-hour",
      "Nightly run at (hour, 0–23)",
      row.nightly_hour,
      0,
      23,
    );
    const zone = h("input", {
      id: "schedule-zone",
      attrs: { type: "text", placeholder: "e.g. Pacific/Auckland", autocomplete: "off" },
    });
    zone.value = row.time_zone ?? "";
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
      h(
        "div",
        { class: "field" },
        h(
          "label",
          { attrs: { for: "schedule-zone" } },
          "Store time zone (blank: the first outlet's)",
        ),
        zone,
      ),
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
          incremental_every_minutes: Number(every.input.value),
          nightly_hour: Number(hour.input.value),
          time_zone: zone.value.trim() || null,
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

  function entityRow(row: SettingsRow, index: number) {
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
    const save = h("button", { attrs: { type: "submit" } }, "Save");
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
      h("div", { class: "field buttons" }, save, result),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const y = Number(yellow.input.value);
      const r = Number(red.input.value);
      if (!(y > 0) || !(r > y)) {
        result.className = "result bad";
        result.textContent = "The alert threshold must be longer than the warning threshold";
        return;
      }
      result.className = "result";
      result.textContent = "Saving…";
      save.disabled = true;
      try {
        const saved = await ctx.api.updateSettings(row.entity, {
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
        save.disabled = false;
      }
    });
    return form;
  }

  async function refresh(auto: boolean) {
    // Never overwrite what someone is typing: settings reload only on request.
    if (auto) return;
    try {
      const [schedule, settings] = await Promise.all([ctx.api.schedule(), ctx.api.settings()]);
      scheduleBox.replaceChildren(
        schedule ? scheduleForm(schedule) : h(
          "p",
          { class: "muted" },
          "The schedule is managed in the database (sync_schedule " +
            "is not available to this account or this project).",
        ),
      );
      entitiesBox.replaceChildren(
        ...(settings.length
          ? settings.map(entityRow)
          : [h("p", { class: "empty" }, "No settings are visible to this account.")]),
      );
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
