/// <reference lib="dom" />
// The overview's entity tiles: colour, last success, lag, records, cursor, last run, open
// rejects, import progress, the latest error when it matters, and the tile's actions.
import { h } from "./dom.ts";
import {
  entityTitle,
  formatAge,
  formatNumber,
  formatRelative,
  formatTimestamp,
  type StatusRow,
  type Tone,
  toneOf,
  truncate,
} from "./format.ts";
import type { WebhookStatusRow } from "./api.ts";
import type { SyncNow } from "./overview_sync_now.ts";

export interface TileActions extends SyncNow {
  openRejects(entity: string): void;
}

function field(label: string, value: string, title?: string) {
  return h("div", {}, h("dt", {}, label), h("dd", { attrs: { title } }, value));
}

/** The last webhook event, shown once the entity has had one (near-real-time is optional). */
function webhookFact(webhook: WebhookStatusRow | undefined): HTMLElement | null {
  if (!webhook?.last_event_at) return null;
  return field(
    "Last webhook",
    `${formatRelative(webhook.last_event_at)} · ${formatNumber(webhook.events_24h)} in 24 h`,
    formatTimestamp(webhook.last_event_at),
  );
}

function facts(row: StatusRow, webhook?: WebhookStatusRow): HTMLElement {
  const lastRun = row.last_status
    ? `${row.last_status}${row.last_run_at ? ` · ${formatRelative(row.last_run_at)}` : ""}`
    : "none yet";
  return h(
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
    field("Open rejects", formatNumber(Number(row.open_rejects))),
    webhookFact(webhook),
  );
}

function importState(row: StatusRow): HTMLElement | null {
  if (row.import_running) {
    const started = row.import_started_at
      ? `, started ${formatRelative(row.import_started_at)}`
      : "";
    return h(
      "div",
      { class: "import" },
      h("progress", { attrs: { "aria-label": `Import of ${row.entity} in progress` } }),
      h(
        "p",
        {},
        `Import running: ${formatNumber(row.import_records)} records in ` +
          `${formatNumber(row.import_pages)} pages${started}`,
      ),
    );
  }
  if (row.import_status === "completed" && row.import_completed_at) {
    return h(
      "p",
      { class: "muted" },
      `Import completed ${formatRelative(row.import_completed_at)}`,
    );
  }
  if (row.import_status === "failed") {
    return h("p", { class: "error-text" }, "Import failed; it resumes on the next run");
  }
  return null;
}

/** The latest error, only while it explains a failing or red tile. */
function lastError(row: StatusRow, tone: Tone): HTMLElement | null {
  if (!row.last_error || !(row.failing || tone.tone === "red")) return null;
  return h(
    "p",
    { class: "error-text", attrs: { title: truncate(row.last_error, 2000) } },
    truncate(row.last_error, 240),
  );
}

/** "Sync now", "View rejects" when there are any, and the last sync's reply. */
function tileActions(row: StatusRow, titleId: string, actions: TileActions): HTMLElement[] {
  const busy = actions.isBusy(row.entity);
  const button = h(
    "button",
    { attrs: { type: "button", "aria-describedby": titleId } },
    busy ? "Syncing…" : "Sync now",
  );
  // aria-disabled, not disabled: the button keeps keyboard focus while the run is going.
  if (busy) button.setAttribute("aria-disabled", "true");
  button.addEventListener("click", () => {
    if (!actions.isBusy(row.entity)) actions.syncNow(row.entity);
  });
  const result = actions.resultOf(row.entity);
  return [
    h(
      "div",
      { class: "tile-actions" },
      button,
      Number(row.open_rejects) > 0
        ? h("button", {
          class: "link",
          attrs: { type: "button" },
          on: { click: () => actions.openRejects(row.entity) },
        }, "View rejects")
        : null,
    ),
    h(
      "p",
      { class: `result ${result ? (result.ok ? "ok" : "bad") : ""}`, attrs: { role: "status" } },
      result?.text ?? "",
    ),
  ];
}

export function tile(
  row: StatusRow,
  index: number,
  actions: TileActions,
  webhook?: WebhookStatusRow,
): HTMLElement {
  const tone = toneOf(row);
  const titleId = `tile-${index}-title`;
  return h(
    "article",
    {
      class: `tile tone-${tone.tone}`,
      attrs: { "aria-labelledby": titleId, "data-entity": row.entity, "data-tone": tone.tone },
    },
    h(
      "header",
      {},
      h("h3", { id: titleId }, entityTitle(row)),
      h("span", { class: "badge", attrs: { title: tone.description } }, tone.label),
    ),
    facts(row, webhook),
    importState(row),
    lastError(row, tone),
    ...tileActions(row, titleId, actions),
  );
}

/** Swaps in new tiles and keeps keyboard focus on the same tile's button across the rebuild. */
export function replaceTilesKeepingFocus(container: HTMLElement, tiles: HTMLElement[]) {
  const focused = document.activeElement;
  const focusedEntity = focused instanceof HTMLElement && container.contains(focused)
    ? focused.closest<HTMLElement>("article.tile")?.dataset.entity
    : undefined;
  const focusedLabel = focused?.textContent === "Syncing…" ? "Sync now" : focused?.textContent;
  container.replaceChildren(...tiles);
  if (focusedEntity === undefined) return;
  const again = [...container.querySelectorAll<HTMLElement>("article.tile")]
    .find((t) => t.dataset.entity === focusedEntity);
  const buttons = [...(again?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
  (buttons.find((b) => b.textContent === focusedLabel || b.textContent === "Syncing…") ??
    buttons[0])?.focus();
}
