/// <reference lib="dom" />
// Every read and write the dashboard makes. Reads go through the staff-only views; the one
// write path is the column-granted, staff-policed settings tables. The functions are called
// with the signed-in user's JWT, never a secret.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { DashboardConfig } from "./config.ts";
import { apiFailureText, type StatusRow, unreachableText } from "./format.ts";

export interface HistoryRow {
  id: number;
  entity: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  day: string;
  pages: number;
  records_received: number;
  records_inserted: number;
  records_updated: number;
  records_unchanged: number;
  records_rejected: number;
  records_changed: number;
  requests: number;
  rate_limited: number;
  /** Rate-limit telemetry; null for runs that sent nothing or got no X-RateLimit headers. */
  budget_allowed?: number | null;
  rate_limit_limit?: number | null;
  rate_limit_remaining?: number | null;
  cursor_start: number | null;
  cursor_end: number | null;
  import_id: string | null;
  failed: boolean;
  error: string | null;
  /** The zone `day` is counted in: the store's (public.sync_store_time_zone). */
  time_zone: string;
}

export interface DailyRow {
  entity: string;
  day: string;
  runs: number;
  failures: number;
  records_received: number;
  records_changed: number;
  records_rejected: number;
  avg_duration_ms: number | null;
  max_duration_ms: number | null;
  time_zone: string;
}

export interface RejectRow {
  id: number;
  entity: string;
  record_id: string | null;
  version: number | null;
  reason: string;
  raw: unknown;
  first_seen_at: string;
  last_seen_at: string;
  seen_count: number;
  resolved_at: string | null;
}

export interface SettingsRow {
  entity: string;
  enabled: boolean;
  yellow_after: string;
  red_after: string;
  overlap_every: string;
  overlap_window: string;
  updated_at: string;
}

export interface ScheduleRow {
  enabled: boolean;
  time_zone: string | null;
  incremental_every_minutes: number;
  nightly_hour: number;
  updated_at: string;
}

/** The historical import's chain (view sync_import_status): one row for staff. */
/** public.sync_webhook_status: what Lightspeed's webhooks said about one entity. */
export interface WebhookStatusRow {
  entity: string;
  last_event_at: string | null;
  events_24h: number | string;
  deliveries_24h: number | string;
}

export interface ImportStatusRow {
  running: boolean;
  stalled: boolean;
  import_id: string | null;
  running_since: string | null;
  last_seen_at: string | null;
  handovers: number;
  entities: string[];
}

export interface HistoryFilter {
  entity?: string;
  status?: string;
  /** yyyy-mm-dd, a store-local day: the views' `day`, the same days the charts are drawn in. */
  from?: string;
  /** yyyy-mm-dd, a store-local day, inclusive. */
  to?: string;
}

/** public.alert_rules: one alert rule, switched and tuned by staff. */
export interface AlertRuleRow {
  rule: string;
  enabled: boolean;
  threshold: number | null;
  threshold_unit: "runs" | "rejects" | "minutes" | null;
  sort_order: number;
  description: string;
}

/** public.sync_alert_history: one alert message and what became of it. */
export interface AlertRow {
  id: number;
  created_at: string;
  kind: "failing" | "recovered" | "test";
  rule: string;
  entity: string | null;
  since: string | null;
  message: string;
  status: string;
  attempts: number;
  delivered_at: string | null;
  last_error: string | null;
}

/** public.sync_rate_budget: the runs of one 5-minute window of the last 24 hours. */
export interface RateBudgetRow {
  window_start: string;
  runs: number;
  requests: number;
  rate_limited: number;
  budget_allowed: number | null;
  lightspeed_limit: number | null;
  lightspeed_remaining: number | null;
}

/** One repair asked for (public.repair_log). */
export interface RepairLogRow {
  id: number;
  action: string;
  entity: string;
  params: Record<string, unknown>;
  requested_by: string;
  requested_by_user: string | null;
  status: string;
  progress: Record<string, unknown>;
  error: string | null;
  requested_at: string;
  finished_at: string | null;
}

export class ApiError extends Error {
  constructor(message: string, readonly code?: string, readonly status?: number) {
    super(message);
  }
}

export class Api {
  constructor(readonly client: SupabaseClient, readonly config: DashboardConfig) {}

  #fail(what: string, error: { message: string; code?: string } | null, status?: number) {
    if (!error) return;
    const text = apiFailureText(what, error.message, status, this.config.supabaseUrl);
    throw new ApiError(text, error.code, status);
  }

  async status(): Promise<StatusRow[]> {
    // In the registry's order (public.sync_entities); names it does not know come last.
    const { data, error, status } = await this.client.from("sync_status").select("*")
      .order("sort_order", { ascending: true, nullsFirst: false }).order("entity");
    this.#fail("Could not load sync status", error, status);
    return data as StatusRow[];
  }

  /** Per entity, the last webhook event and the last day's count (none without webhooks). */
  async webhookStatus(): Promise<Map<string, WebhookStatusRow>> {
    const { data, error, status } = await this.client.from("sync_webhook_status").select("*");
    this.#fail("Could not load the webhook status", error, status);
    return new Map((data as WebhookStatusRow[]).map((row) => [row.entity, row]));
  }

  /** Whether an import runs; null for a caller who may not see it (not staff). */
  async importStatus(): Promise<ImportStatusRow | null> {
    const { data, error, status } = await this.client.from("sync_import_status").select("*")
      .limit(1);
    this.#fail("Could not load the import status", error, status);
    return (data as ImportStatusRow[])[0] ?? null;
  }

  async history(filter: HistoryFilter, page: number, pageSize: number) {
    let query = this.client.from("sync_history").select("*", { count: "exact" });
    if (filter.entity) query = query.eq("entity", filter.entity);
    if (filter.status) query = query.eq("status", filter.status);
    // Filtered on the view's own `day` (the store day sync_daily groups by), so a day picked
    // here holds exactly the runs its bar in the charts counts, whatever the browser's zone.
    if (filter.from) query = query.gte("day", filter.from);
    if (filter.to) query = query.lte("day", filter.to);
    const from = page * pageSize;
    const { data, error, count, status } = await query.order("started_at", { ascending: false })
      .order("id", { ascending: false }).range(from, from + pageSize - 1);
    this.#fail("Could not load the sync history", error, status);
    return { rows: data as HistoryRow[], total: count ?? 0 };
  }

  async run(id: number): Promise<HistoryRow | null> {
    const { data, error, status } = await this.client.from("sync_history").select("*")
      .eq("id", id).limit(1);
    this.#fail("Could not load the run", error, status);
    return (data as HistoryRow[])[0] ?? null;
  }

  /** The store's time zone, the one every day and time is shown in; null for non-staff. */
  async storeTimeZone(): Promise<string | null> {
    const { data, error, status } = await this.client.from("sync_store_time_zone")
      .select("time_zone").limit(1);
    this.#fail("Could not load the store's time zone", error, status);
    return (data as { time_zone: string }[])[0]?.time_zone ?? null;
  }

  /** Per entity and store day, from `since` (yyyy-mm-dd, a store day) on. */
  async daily(since: string): Promise<DailyRow[]> {
    const { data, error, status } = await this.client.from("sync_daily").select("*")
      .gte("day", since).order("day");
    this.#fail("Could not load the chart data", error, status);
    return data as DailyRow[];
  }

  async rejects(entity: string, includeResolved: boolean, limit = 100) {
    let query = this.client.from("sync_rejects").select("*", { count: "exact" })
      .eq("entity", entity);
    if (!includeResolved) query = query.is("resolved_at", null);
    const { data, error, count, status } = await query.order("last_seen_at", { ascending: false })
      .limit(limit);
    this.#fail("Could not load rejected records", error, status);
    return { rows: data as RejectRow[], total: count ?? 0 };
  }

  /** In the registry's order (public.sync_entities), as the tiles; names it does not know last. */
  async settings(): Promise<SettingsRow[]> {
    const [settings, registered] = await Promise.all([
      this.client.from("sync_settings").select("*").order("entity"),
      this.client.from("sync_entities").select("entity,sort_order"),
    ]);
    this.#fail("Could not load settings", settings.error, settings.status);
    this.#fail("Could not load the entity list", registered.error, registered.status);
    const position = new Map(
      (registered.data as { entity: string; sort_order: number }[]).map((row) => [
        row.entity,
        row.sort_order,
      ]),
    );
    const rank = (row: SettingsRow) => position.get(row.entity) ?? Number.MAX_SAFE_INTEGER;
    return (settings.data as SettingsRow[]).sort((a, b) => rank(a) - rank(b));
  }

  /** The scheduler's global settings, or null where that table does not exist (yet). */
  async schedule(): Promise<ScheduleRow | null> {
    const { data, error, status } = await this.client.from("sync_schedule").select("*").limit(1);
    if (error && (status === 404 || error.code === "PGRST205" || error.code === "42P01")) {
      return null;
    }
    this.#fail("Could not load the schedule", error, status);
    return (data as ScheduleRow[])[0] ?? null;
  }

  async updateSettings(
    entity: string,
    patch: Partial<Pick<SettingsRow, "enabled" | "yellow_after" | "red_after">>,
  ): Promise<SettingsRow> {
    const { data, error, status } = await this.client.from("sync_settings").update(patch)
      .eq("entity", entity).select();
    this.#fail(`Could not save ${entity}`, error, status);
    const rows = data as SettingsRow[];
    if (rows.length !== 1) throw new ApiError(`Could not save ${entity}: not allowed`);
    return rows[0];
  }

  async updateSchedule(
    patch: Partial<Omit<ScheduleRow, "updated_at">>,
  ): Promise<ScheduleRow> {
    const { data, error, status } = await this.client.from("sync_schedule")
      .update({ ...patch, updated_at: new Date().toISOString() }).eq("id", true).select();
    this.#fail("Could not save the schedule", error, status);
    const rows = data as ScheduleRow[];
    if (rows.length !== 1) throw new ApiError("Could not save the schedule: not allowed");
    return rows[0];
  }

  async alertRules(): Promise<AlertRuleRow[]> {
    const { data, error, status } = await this.client.from("alert_rules").select("*")
      .order("sort_order");
    this.#fail("Could not load the alert rules", error, status);
    return data as AlertRuleRow[];
  }

  async updateAlertRule(
    rule: string,
    patch: Partial<Pick<AlertRuleRow, "enabled" | "threshold">>,
  ): Promise<AlertRuleRow> {
    const { data, error, status } = await this.client.from("alert_rules").update(patch)
      .eq("rule", rule).select();
    this.#fail(`Could not save the rule ${rule}`, error, status);
    const rows = data as AlertRuleRow[];
    if (rows.length !== 1) throw new ApiError(`Could not save the rule ${rule}: not allowed`);
    return rows[0];
  }

  async alerts(limit: number): Promise<AlertRow[]> {
    const { data, error, status } = await this.client.from("sync_alert_history").select("*")
      .order("id", { ascending: false }).limit(limit);
    this.#fail("Could not load the alerts", error, status);
    return data as AlertRow[];
  }

  /** The "send test alert" button: the database sends it to every configured destination. */
  async sendTestAlert(): Promise<void> {
    const { data, error, status } = await this.client.from("alert_settings")
      .update({ test_requested_at: new Date().toISOString() }).eq("id", true).select("id");
    this.#fail("Could not send a test alert", error, status);
    if ((data as unknown[]).length !== 1) {
      throw new ApiError("Could not send a test alert: not allowed");
    }
  }

  async rateBudget(): Promise<RateBudgetRow[]> {
    const { data, error, status } = await this.client.from("sync_rate_budget").select("*")
      .order("window_start");
    this.#fail("Could not load the rate budget", error, status);
    return data as RateBudgetRow[];
  }

  /** Whether the signed-in staff member has the operator role (their own staff_members row). */
  async isOperator(): Promise<boolean> {
    const { data, error, status } = await this.client.from("staff_members").select("operator")
      .limit(1);
    this.#fail("Could not load your staff role", error, status);
    return (data as { operator?: boolean }[])[0]?.operator === true;
  }

  async repairLog(limit = 20): Promise<RepairLogRow[]> {
    const { data, error, status } = await this.client.from("repair_log").select("*")
      .order("id", { ascending: false }).limit(limit);
    this.#fail("Could not load the repair log", error, status);
    return data as RepairLogRow[];
  }

  /** Calls a function with the user's JWT; returns the HTTP status and the JSON reply. */
  async invoke(
    name: "sync-entity" | "import-history" | "lightspeed-oauth" | "repair",
    body: Record<string, unknown>,
  ) {
    const { data } = await this.client.auth.getSession();
    const token = data.session?.access_token;
    if (!token) throw new ApiError("Not signed in");
    let response: Response;
    try {
      response = await fetch(`${this.config.functionsUrl}/${name}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          apikey: this.config.supabaseAnonKey,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    } catch {
      // No HTTP reply at all; the browser's own message ("Failed to fetch") says nothing useful.
      throw new ApiError(unreachableText(this.config.functionsUrl), undefined, 0);
    }
    let json: Record<string, unknown> | null = null;
    try {
      const parsed = await response.json();
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed;
    } catch {
      json = null;
    }
    return { status: response.status, body: json };
  }
}
