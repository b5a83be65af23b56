// Pure formatting and classification for the dashboard: no DOM, so it is unit-tested in Deno.

/** sync_status.health (public.sync_entity_health): paused and off before any colour. */
export type Health = "green" | "yellow" | "red" | "paused" | "off";

export interface StatusRow {
  entity: string;
  enabled: boolean;
  health: Health;
  failing: boolean;
  running: boolean;
  last_success_at: string | null;
  lag_seconds: number | null;
  cursor: number | string;
  records: number | string | null;
  last_status: string | null;
  last_error: string | null;
  last_run_at: string | null;
  import_status: string | null;
  import_running: boolean;
  import_started_at: string | null;
  import_completed_at: string | null;
  import_records: number | string;
  import_pages: number | string;
  open_rejects: number | string;
  yellow_after: string;
  red_after: string;
  /** From public.sync_entities, the registry's copy; null for a name that is not registered. */
  label: string | null;
  sort_order: number | null;
}

/** What the overview calls an entity: its registered label, else its name. */
export function entityTitle(row: Pick<StatusRow, "entity" | "label">): string {
  return row.label ?? row.entity;
}

export interface Tone {
  /** CSS modifier and test hook: green, yellow, red, failing, paused or off. */
  tone: "green" | "yellow" | "red" | "failing" | "paused" | "off";
  label: string;
  description: string;
}

/** What a tile says about an entity; colour and words always agree. */
export function toneOf(
  row: Pick<StatusRow, "enabled" | "health" | "failing" | "last_success_at">,
): Tone {
  if (!row.enabled || row.health === "paused") {
    return { tone: "paused", label: "Paused", description: "Scheduled syncs are paused" };
  }
  if (row.failing) {
    return { tone: "failing", label: "Failing", description: "The latest run failed" };
  }
  // Never "Healthy" while nothing syncs on its own: a fresh success stays fresh only so long.
  if (row.health === "off") {
    return {
      tone: "off",
      label: "Schedule off",
      description: "Scheduled syncs are switched off for every entity (Settings, Schedule)",
    };
  }
  if (row.health === "green") {
    return { tone: "green", label: "Healthy", description: "Synced recently" };
  }
  if (row.health === "yellow") {
    return { tone: "yellow", label: "Behind", description: "Older than the warning threshold" };
  }
  return {
    tone: "red",
    label: row.last_success_at ? "Stale" : "Never synced",
    description: row.last_success_at ? "Older than the alert threshold" : "No successful sync yet",
  };
}

const numberFormat = new Intl.NumberFormat("en-US");

export function formatNumber(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? numberFormat.format(n) : String(value);
}

/** 850 ms, 3.2 s, 4 min 5 s, 2 h 3 min. */
export function formatDuration(ms: number | string | null | undefined): string {
  if (ms === null || ms === undefined || ms === "") return "—";
  const n = Number(ms);
  if (!Number.isFinite(n) || n < 0) return "—";
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(n / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  }
  return `${Math.floor(totalSeconds / 3600)} h ${Math.floor((totalSeconds % 3600) / 60)} min`;
}

/** A lag or age in seconds: 45 s, 5 min, 3 h 10 min, 2 d 4 h. */
export function formatAge(seconds: number | string | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds === "") return "—";
  const s = Math.max(0, Math.floor(Number(seconds)));
  if (!Number.isFinite(s)) return "—";
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ""}`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${h ? ` ${h} h` : ""}`;
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "—";
  const seconds = Math.round((now - t) / 1000);
  if (seconds < 0) return "just now";
  if (seconds < 10) return "just now";
  return `${formatAge(seconds)} ago`;
}

/** The zone every date and time is shown in: the store's, once known (setDisplayTimeZone). */
let displayZone = "UTC";

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Shows every date and time in this zone (public.sync_store_time_zone); unknown names: UTC. */
export function setDisplayTimeZone(zone: string | null | undefined): void {
  displayZone = zone && isKnownZone(zone) ? zone : "UTC";
}

export function displayTimeZone(): string {
  return displayZone;
}

/** The wall-clock fields of an instant in a zone, from the browser's own zone data. */
function wallClock(ms: number, zone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(ms);
  return Object.fromEntries(parts.map((p) => [p.type, p.value]));
}

/** The day (yyyy-mm-dd) an instant falls on in a zone, the store's by default. */
export function localDate(ms: number, zone = displayZone): string {
  const t = wallClock(ms, zone);
  return `${t.year}-${t.month}-${t.day}`;
}

/** Date and time in the store's zone (or the one given), unambiguous: 2026-11-25 14:03:09. */
export function formatTimestamp(iso: string | null | undefined, zone = displayZone): string {
  if (!iso) return "—";
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return "—";
  const t = wallClock(ms, zone);
  return `${t.year}-${t.month}-${t.day} ${t.hour}:${t.minute}:${t.second}`;
}

/**
 * PostgreSQL interval output (IntervalStyle postgres) to whole minutes:
 * "02:00:00" → 120, "1 day 02:30:00" → 1590, "3 days" → 4320, "00:45:00" → 45.
 */
export function intervalToMinutes(text: string | null | undefined): number | null {
  if (!text) return null;
  const match = text.trim().match(
    /^(?:(\d+) days? ?)?(?:(-?\d+):(\d{2}):(\d{2})(?:\.\d+)?)?$/,
  );
  if (!match || (!match[1] && !match[2])) return null;
  const days = Number(match[1] ?? 0);
  const hours = Number(match[2] ?? 0);
  const minutes = Number(match[3] ?? 0);
  const seconds = Number(match[4] ?? 0);
  return days * 1440 + hours * 60 + minutes + Math.round(seconds / 60);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Only http(s) URLs are ever turned into links; anything else is shown as text or dropped. */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Says which server did not answer, instead of the browser's terse "Failed to fetch". */
export function unreachableText(url: string): string {
  let where = url;
  try {
    where = new URL(url).origin;
  } catch {
    // keep the configured text
  }
  return `the sync API at ${where} cannot be reached. Check the network connection and try again.`;
}

/**
 * What to tell staff when a call to the API failed. Status 0 is supabase-js's "no HTTP reply at
 * all": the server is down, the URL is wrong or the network is away.
 */
export function apiFailureText(
  what: string,
  message: string,
  status: number | undefined,
  apiUrl: string,
): string {
  return `${what}: ${status === 0 ? unreachableText(apiUrl) : message}`;
}

/** One line saying what a function call did, from its HTTP status and JSON reply. */
export function describeFunctionReply(
  name: string,
  status: number,
  body: Record<string, unknown> | null,
): { ok: boolean; text: string } {
  const error = typeof body?.error === "string" ? body.error : null;
  if (status === 401 || status === 403) {
    return { ok: false, text: "Not allowed: sign in again with a staff account" };
  }
  if (status >= 400 || !body) {
    return { ok: false, text: `Failed (HTTP ${status})${error ? `: ${error}` : ""}` };
  }
  if (name === "import-history") {
    const entities = Array.isArray(body.entities) ? body.entities.map(String).join(", ") : "";
    const head = body.joined === true
      ? `An import was already running (since ${
        formatTimestamp(String(body.running_since))
      }): joined it`
      : "Import started";
    return { ok: true, text: `${head}${entities ? ` for ${entities}` : ""}` };
  }
  const state = String(body.status ?? "unknown");
  const records = formatNumber(body.records as number);
  const pages = formatNumber(body.pages as number);
  const took = formatDuration(body.duration_ms as number);
  const words: Record<string, string> = {
    completed: "Completed",
    partial: "Partly done (time budget reached; it continues on the next run)",
    failed: "Failed",
    skipped: "Skipped: another run is already working on this entity",
  };
  const head = words[state] ?? `Finished with status ${state}`;
  return {
    ok: state !== "failed",
    text: state === "skipped" ? head : `${head}: ${records} records in ${pages} pages, ${took}`,
  };
}
