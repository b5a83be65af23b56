/// <reference lib="dom" />
// Runtime configuration: the same build serves the local stack and a hosted project.
// Read from <meta> tags (the Storage launcher page) or ./config.json next to index.html.
// Deliberately NOT from the query string: a crafted link must not point staff at another
// project's sign-in.
import { safeHttpUrl } from "./format.ts";
import { isSecretKey } from "./secret_key.ts";

export interface DashboardConfig {
  supabaseUrl: string;
  /** The public anon/publishable key; never a secret or service-role key. */
  supabaseAnonKey: string;
  /** Where the functions live; defaults to `${supabaseUrl}/functions/v1`. */
  functionsUrl: string;
  /** Auto-refresh period in seconds (0 turns it off by default). */
  refreshSeconds: number;
  /**
   * Where the session is kept: "tab" (sessionStorage, the default: gone when the tab closes,
   * never shared with other tabs) or "browser" (localStorage: survives restarts).
   */
  sessionPersistence: SessionPersistence;
}

export type SessionPersistence = "tab" | "browser";

export class ConfigProblem extends Error {}

export function validateConfig(raw: Record<string, unknown>): DashboardConfig {
  const supabaseUrl = safeHttpUrl(raw.supabaseUrl);
  if (!supabaseUrl) throw new ConfigProblem("supabaseUrl must be an http(s) URL");
  const key = typeof raw.supabaseAnonKey === "string" ? raw.supabaseAnonKey.trim() : "";
  if (!key) throw new ConfigProblem("supabaseAnonKey is missing");
  if (isSecretKey(key)) {
    throw new ConfigProblem(
      "supabaseAnonKey is a secret key: use the public anon or publishable key, and rotate " +
        "the secret key now that it has been published",
    );
  }
  const base = supabaseUrl.replace(/\/+$/, "");
  const functionsUrl = raw.functionsUrl === undefined
    ? `${base}/functions/v1`
    : safeHttpUrl(raw.functionsUrl)?.replace(/\/+$/, "");
  if (!functionsUrl) throw new ConfigProblem("functionsUrl must be an http(s) URL");
  const refresh = raw.refreshSeconds === undefined ? 30 : Number(raw.refreshSeconds);
  if (!Number.isInteger(refresh) || refresh < 0 || refresh > 3600) {
    throw new ConfigProblem("refreshSeconds must be a whole number from 0 to 3600");
  }
  const persistence = raw.sessionPersistence === undefined ? "tab" : raw.sessionPersistence;
  if (persistence !== "tab" && persistence !== "browser") {
    throw new ConfigProblem('sessionPersistence must be "tab" or "browser"');
  }
  return {
    supabaseUrl: base,
    supabaseAnonKey: key,
    functionsUrl,
    refreshSeconds: refresh,
    sessionPersistence: persistence,
  };
}

function meta(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;
}

export async function loadConfig(): Promise<DashboardConfig> {
  const fromMeta = meta("supabase-url");
  if (fromMeta) {
    return validateConfig({
      supabaseUrl: fromMeta,
      supabaseAnonKey: meta("supabase-anon-key"),
      functionsUrl: meta("functions-url"),
      refreshSeconds: meta("refresh-seconds"),
      sessionPersistence: meta("session-persistence"),
    });
  }
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) {
    throw new ConfigProblem(`config.json could not be loaded (HTTP ${response.status})`);
  }
  return validateConfig(await response.json());
}
