/// <reference lib="dom" />
// Settings: the scheduler's global schedule (settings_schedule.ts, when that table exists) and,
// per entity, pause and freshness thresholds (settings_entity.ts). Writes go through the
// column-granted, staff-only update policies.
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { connectLightspeedControl } from "./settings_connect.ts";
import { entitySettingsForm } from "./settings_entity.ts";
import { scheduleForm } from "./settings_schedule.ts";

function layout(
  scheduleBox: HTMLElement,
  entitiesBox: HTMLElement,
  connect: HTMLElement,
): HTMLElement {
  return h(
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
    h(
      "section",
      { attrs: { "aria-labelledby": "lightspeed-connection-title" } },
      h("h3", { id: "lightspeed-connection-title" }, "Lightspeed connection"),
      h(
        "p",
        { class: "muted" },
        "For a store connected as an OAuth app: connect it, or reconnect it when health says " +
          "a reconnect is needed. Lightspeed asks you to approve, then shows whether it worked.",
      ),
      connect,
    ),
  );
}

export function settingsView(ctx: ViewContext): View {
  const scheduleBox = h("div");
  const entitiesBox = h("div", { class: "table-wrap" });
  const el = layout(scheduleBox, entitiesBox, connectLightspeedControl(ctx));

  async function refresh(auto: boolean) {
    // Never overwrite what someone is typing: settings reload only on request.
    if (auto) return;
    try {
      const [schedule, settings] = await Promise.all([ctx.api.schedule(), ctx.api.settings()]);
      scheduleBox.replaceChildren(
        schedule ? scheduleForm(ctx, schedule) : h(
          "p",
          { class: "muted" },
          "The schedule is managed in the database (sync_schedule " +
            "is not available to this account or this project).",
        ),
      );
      entitiesBox.replaceChildren(
        ...(settings.length
          ? settings.map((row, index) => entitySettingsForm(ctx, row, index))
          : [h("p", { class: "empty" }, "No settings are visible to this account.")]),
      );
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
