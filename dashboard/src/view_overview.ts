/// <reference lib="dom" />
// Overview: one tile per entity (colour, last success, lag, records, cursor, import progress,
// open rejects, "Sync now"), "Import history", and the 14-day charts.
import type { DailyRow } from "./api.ts";
import { lastDays, seriesOf } from "./chart_data.ts";
import { lines, stackedBars } from "./charts.ts";
import { errorText, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import {
  describeFunctionReply,
  formatAge,
  formatDuration,
  formatNumber,
  formatRelative,
  formatTimestamp,
  type StatusRow,
  toneOf,
  truncate,
} from "./format.ts";

const chartDays = 14;

export function overviewView(ctx: ViewContext): View {
  const results = new Map<string, { ok: boolean; text: string }>();
  const busy = new Set<string>();
  // Not a live region: it is rebuilt on every refresh; each tile's result line is one instead.
  const tiles = h("div", { class: "tiles", attrs: { "aria-busy": "true" } });
  const importResult = h("p", { class: "result", attrs: { role: "status" } });
  const importButton = h(
    "button",
    { class: "secondary", attrs: { type: "button" } },
    "Import history",
  );
  const charts = h("div", { class: "charts" });
  const el = h(
    "div",
    { class: "view" },
    h(
      "section",
      { attrs: { "aria-labelledby": "entities-title" } },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "entities-title" }, "Entities"),
        h("div", { class: "section-actions" }, importButton, importResult),
      ),
      tiles,
    ),
    h(
      "section",
      { attrs: { "aria-labelledby": "charts-title" } },
      h("h2", { id: "charts-title" }, `Last ${chartDays} days (UTC)`),
      charts,
    ),
  );

  importButton.addEventListener("click", async () => {
    if (!confirm("Start (or continue) the full historical import for every entity?")) return;
    importButton.disabled = true;
    importResult.className = "result";
    importResult.textContent = "Starting the import…";
    try {
      const reply = await ctx.api.invoke("import-history", {});
      const outcome = describeFunctionReply("import-history", reply.status, reply.body);
      importResult.className = `result ${outcome.ok ? "ok" : "bad"}`;
      importResult.textContent = outcome.text;
    } catch (error) {
      importResult.className = "result bad";
      importResult.textContent = `Could not start the import: ${errorText(error)}`;
    } finally {
      importButton.disabled = false;
      await refresh(false);
    }
  });

  async function syncNow(entity: string) {
    busy.add(entity);
    results.set(entity, { ok: true, text: "Syncing…" });
    await refresh(false);
    try {
      const reply = await ctx.api.invoke("sync-entity", { entity });
      results.set(entity, describeFunctionReply("sync-entity", reply.status, reply.body));
    } catch (error) {
      results.set(entity, { ok: false, text: `Could not start the sync: ${errorText(error)}` });
    } finally {
      busy.delete(entity);
      await refresh(false);
    }
  }

  function field(label: string, value: string, title?: string) {
    return h("div", {}, h("dt", {}, label), h("dd", { attrs: { title } }, value));
  }

  function tile(row: StatusRow, index: number): HTMLElement {
    const tone = toneOf(row);
    const titleId = `tile-${index}-title`;
    const lastRun = row.last_status
      ? `${row.last_status}${row.last_run_at ? ` · ${formatRelative(row.last_run_at)}` : ""}`
      : "none yet";
    const rejects = Number(row.open_rejects);
    const article = h(
      "article",
      {
        class: `tile tone-${tone.tone}`,
        attrs: { "aria-labelledby": titleId, "data-entity": row.entity, "data-tone": tone.tone },
      },
      h(
        "header",
        {},
        h("h3", { id: titleId }, row.entity),
        h("span", { class: "badge", attrs: { title: tone.description } }, tone.label),
      ),
      h(
        "dl",
        {},
        field(
          "Last success",
          formatRelative(row.last_success_at),
          formatTimestamp(row.last_success_at),
        ),
        field("Lag", formatAge(row.lag_seconds)),
        field("Records", formatNumber(row.records)),
        field("Cursor", String(row.cursor ?? "—")),
        field("Last run", row.running ? "running now" : lastRun),
        field("Open rejects", formatNumber(rejects)),
      ),
    );
    if (row.import_running) {
      const started = row.import_started_at
        ? `, started ${formatRelative(row.import_started_at)}`
        : "";
      article.append(
        h(
          "div",
          { class: "import" },
          h("progress", { attrs: { "aria-label": `Import of ${row.entity} in progress` } }),
          h(
            "p",
            {},
            `Import running: ${formatNumber(row.import_records)} records in ` +
              `${formatNumber(row.import_pages)} pages${started}`,
          ),
        ),
      );
    } else if (row.import_status === "completed" && row.import_completed_at) {
      article.append(
        h("p", { class: "muted" }, `Import completed ${formatRelative(row.import_completed_at)}`),
      );
    } else if (row.import_status === "failed") {
      article.append(h("p", { class: "error-text" }, "Import failed; it resumes on the next run"));
    }
    if (row.last_error && (row.failing || tone.tone === "red")) {
      article.append(
        h(
          "p",
          { class: "error-text", attrs: { title: truncate(row.last_error, 2000) } },
          truncate(row.last_error, 240),
        ),
      );
    }
    const button = h(
      "button",
      { attrs: { type: "button", "aria-describedby": titleId } },
      busy.has(row.entity) ? "Syncing…" : "Sync now",
    );
    // aria-disabled, not disabled: the button keeps keyboard focus while the run is going.
    if (busy.has(row.entity)) button.setAttribute("aria-disabled", "true");
    button.addEventListener("click", () => {
      if (!busy.has(row.entity)) syncNow(row.entity);
    });
    const result = results.get(row.entity);
    const actions = h(
      "div",
      { class: "tile-actions" },
      button,
      rejects > 0
        ? h("button", {
          class: "link",
          attrs: { type: "button" },
          on: { click: () => ctx.go(`rejects/${encodeURIComponent(row.entity)}`) },
        }, "View rejects")
        : null,
    );
    article.append(
      actions,
      h(
        "p",
        { class: `result ${result ? (result.ok ? "ok" : "bad") : ""}`, attrs: { role: "status" } },
        result?.text ?? "",
      ),
    );
    return article;
  }

  function renderCharts(daily: DailyRow[]) {
    const days = lastDays(chartDays);
    charts.replaceChildren(
      stackedBars(
        "Records synced per day",
        seriesOf(daily, days, (r) => r.records_changed),
        (n) => formatNumber(Math.round(n)),
      ),
      lines(
        "Average run duration",
        seriesOf(daily, days, (r) => r.avg_duration_ms),
        (n) => formatDuration(n),
      ),
      stackedBars(
        "Failed runs per day",
        seriesOf(daily, days, (r) => r.failures),
        (n) => formatNumber(Math.round(n * 10) / 10),
      ),
    );
  }

  async function refresh(_auto: boolean) {
    try {
      const [rows, daily] = await Promise.all([ctx.api.status(), ctx.api.daily(chartDays)]);
      if (rows.length === 0) {
        tiles.replaceChildren(
          h(
            "div",
            { class: "empty-state" },
            h("h3", {}, "No sync data is visible to this account"),
            h(
              "p",
              {},
              `You are signed in as ${ctx.email}, but only staff on the allow-list can see the ` +
                "sync. Ask an administrator to add you to public.staff_members.",
            ),
          ),
        );
        charts.replaceChildren();
      } else {
        // Keep keyboard focus on the same tile's button across the rebuild.
        const focused = document.activeElement;
        const focusedEntity = focused instanceof HTMLElement && tiles.contains(focused)
          ? focused.closest<HTMLElement>("article.tile")?.dataset.entity
          : undefined;
        const focusedLabel = focused?.textContent === "Syncing…"
          ? "Sync now"
          : focused?.textContent;
        tiles.replaceChildren(...rows.map(tile));
        if (focusedEntity !== undefined) {
          const again = [...tiles.querySelectorAll<HTMLElement>("article.tile")]
            .find((t) => t.dataset.entity === focusedEntity);
          const buttons = [...(again?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
          (buttons.find((b) => b.textContent === focusedLabel || b.textContent === "Syncing…") ??
            buttons[0])?.focus();
        }
        renderCharts(daily);
      }
      tiles.setAttribute("aria-busy", "false");
    } catch (error) {
      ctx.notify(errorText(error), "error");
    }
  }

  return { el, refresh };
}
