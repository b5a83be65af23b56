/// <reference lib="dom" />
// Overview: one tile per entity (overview_tiles.ts) with "Sync now" (overview_sync_now.ts),
// "Import history" (overview_import_history.ts), and the 14-day charts (overview_charts.ts).
// This file lays the view out and loads its data.
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { displayTimeZone } from "./format.ts";
import { chartDayRange, chartDays, chartDaysSince, overviewCharts } from "./overview_charts.ts";
import { loadStoreTime } from "./store_time.ts";
import { importHistoryControl } from "./overview_import_history.ts";
import { syncNowState } from "./overview_sync_now.ts";
import { replaceTilesKeepingFocus, tile, type TileActions } from "./overview_tiles.ts";

function chartsTitle(): string {
  return `Last ${chartDays} days (${displayTimeZone()})`;
}

function layout(tiles: HTMLElement, importControl: HTMLElement, charts: HTMLElement) {
  return h(
    "div",
    { class: "view" },
    h(
      "section",
      { attrs: { "aria-labelledby": "entities-title" } },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "entities-title" }, "Entities"),
        importControl,
      ),
      tiles,
    ),
    h(
      "section",
      { attrs: { "aria-labelledby": "charts-title" } },
      h("h2", { id: "charts-title" }, chartsTitle()),
      charts,
    ),
  );
}

/** What a signed-in user who is not on the staff allow-list sees instead of tiles. */
function notStaff(email: string): HTMLElement {
  return h(
    "div",
    { class: "empty-state" },
    h("h3", {}, "No sync data is visible to this account"),
    h(
      "p",
      {},
      `You are signed in as ${email}, but only staff on the allow-list can see the ` +
        "sync. Ask an administrator to add you to public.staff_members.",
    ),
  );
}

export function overviewView(ctx: ViewContext): View {
  // Not a live region: it is rebuilt on every refresh; each tile's result line is one instead.
  const tiles = h("div", { class: "tiles", attrs: { "aria-busy": "true" } });
  const charts = h("div", { class: "charts" });
  const redraw = () => refresh(false);
  const actions: TileActions = {
    ...syncNowState(ctx, redraw),
    openRejects: (entity) => ctx.go(`rejects/${encodeURIComponent(entity)}`),
  };
  const importControl = importHistoryControl(ctx, redraw);
  const el = layout(tiles, importControl.el, charts);

  async function refresh(_auto: boolean) {
    try {
      const [rows, daily, importStatus, webhooks, zone] = await Promise.all([
        ctx.api.status(),
        ctx.api.daily(chartDaysSince()),
        ctx.api.importStatus(),
        ctx.api.webhookStatus(),
        loadStoreTime(ctx.api),
      ]);
      const days = chartDayRange(zone);
      importControl.show(importStatus);
      if (rows.length === 0) {
        tiles.replaceChildren(notStaff(ctx.email));
        charts.replaceChildren();
      } else {
        replaceTilesKeepingFocus(
          tiles,
          rows.map((row, index) => tile(row, index, actions, webhooks.get(row.entity))),
        );
        charts.replaceChildren(...overviewCharts(daily, days));
      }
      el.querySelector("#charts-title")!.textContent = chartsTitle();
      tiles.setAttribute("aria-busy", "false");
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
