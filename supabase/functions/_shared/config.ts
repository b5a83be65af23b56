/**
 * The functions' settings (README "Settings (function secrets)"), read from the environment
 * and validated once against their declarations in settings.ts. Every bad or missing setting is
 * reported together, by name, with what is expected; no value is ever echoed back.
 */
import { z } from "zod";
import type { JWK } from "@supabase/supabase-js";
import { jwksOf, keysOf, publishableKeyOf } from "./auth/project_keys.ts";
import { declaredSettings, type SettingValues } from "./settings.ts";
import { expectedText, explanationOf, isRequiredBy, settingSchema } from "./setting_rules.ts";

/** Validated settings of the sync functions. */
export interface SyncConfig {
  /** e.g. "https://mystore.retail.lightspeed.app/api/2.0", no trailing slash. */
  lightspeedBaseUrl: string;
  /** personal: LIGHTSPEED_TOKEN; oauth: the connected app's tokens (README § OAuth). */
  authMode: "personal" | "oauth";
  /** The personal access token; set whenever authMode is personal. */
  lightspeedToken?: string;
  /** The OAuth app's client id; set whenever authMode is oauth (with the client secret). */
  lightspeedClientId?: string;
  /** Where Lightspeed sends the connect callback (the lightspeed-oauth function). */
  oauthRedirectUrl?: string;
  /** Lightspeed's authorize page. */
  oauthAuthorizeUrl: string;
  syncSecret: string;
  /** Where the functions connect: SYNC_DATABASE_URL (the pooler) when set, else SUPABASE_DB_URL. */
  databaseUrl: string;
  /** Every database URL given (the platform's and the pooler's): their passwords are secrets. */
  databaseUrls: string[];
  /** Connections one isolate's pool opens at most. */
  databasePoolSize: number;
  supabaseUrl?: string;
  /** The legacy anon key (SUPABASE_ANON_KEY); may be disabled once a project has new keys. */
  supabaseAnonKey?: string;
  /** The publishable key to present to Auth (SUPABASE_PUBLISHABLE_KEYS, "default" first). */
  supabasePublishableKey?: string;
  /** Every API key the platform gave: sent as Bearer, none is a user's sign-in. */
  supabaseApiKeys: string[];
  /** The signing keys' public half (SUPABASE_JWKS). */
  supabaseJwks?: { keys: JWK[] };
  /** How long one invocation may work before it checkpoints and stops (at most 140 s). */
  timeBudgetMs: number;
  /** The wall clock the platform gives each worker (150 s Free, 400 s paid). */
  workerWallClockMs: number;
  /**
   * CPU the sync's own parsing and validation may use per invocation; past it the invocation
   * checkpoints like at its time budget. Only that work is counted: the isolate's real CPU
   * (TLS, HTTP, the database driver, garbage collection) is roughly 1.5 times the figure, so
   * the default keeps an invocation near 0.9 s, inside the platform's 2 s per request.
   */
  cpuBudgetMs: number;
  /** Page size override; callers still clamp sales to 500. */
  pageSizeOverride?: number;
  concurrency: number;
  /** Registers that set the rate limit; read from /registers when absent. */
  registerCount?: number;
  /** The longest a 429's Retry-After may hold off the whole store. */
  maxRetryAfterMs: number;
  /** Lightspeed's rate-limit window (5 minutes; shrunk in tests). */
  rateWindowMs: number;
  /** Fraction of the rate limit the sync allows itself. */
  rateSafety: number;
  /** The token in the registered webhook URLs; unset, webhooks are refused. */
  webhookToken?: string;
  /** The OAuth app's client secret: set, webhooks must be signed with it. */
  lightspeedClientSecret?: string;
  /** Share of the (safe) request budget webhook-driven passes may use. */
  webhookBudgetShare: number;
  /** Shortest time between two webhook-driven passes of one entity. */
  webhookMinIntervalMs: number;
}

/** Lightspeed's authorize page (authorization-code grant). */
export const LIGHTSPEED_AUTHORIZE_URL = "https://secure.retail.lightspeed.app/connect";

/** One invalid or missing setting. */
export interface ConfigProblem {
  name: string;
  expected: string;
}

/** Thrown by {@link loadConfig}; lists every problem, never a secret value. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} ${
        problems.length === 1 ? "problem" : "problems"
      }):\n` +
        problems.map((problem) => `- ${problem.name}: ${problem.expected}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Reads and validates the settings; throws ConfigError listing everything wrong. */
export function loadConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): SyncConfig {
  const settings = readSettings(env);
  return {
    lightspeedBaseUrl: settings.LIGHTSPEED_API_BASE_URL?.replace(/\/+$/, "") ??
      `https://${settings.LIGHTSPEED_DOMAIN_PREFIX?.toLowerCase()}.retail.lightspeed.app/api/2.0`,
    authMode: settings.LIGHTSPEED_AUTH_MODE === "oauth" ? "oauth" : "personal",
    lightspeedToken: settings.LIGHTSPEED_TOKEN,
    lightspeedClientId: settings.LIGHTSPEED_CLIENT_ID,
    oauthRedirectUrl: settings.LIGHTSPEED_OAUTH_REDIRECT_URL ??
      (settings.SUPABASE_URL
        ? `${settings.SUPABASE_URL.replace(/\/+$/, "")}/functions/v1/lightspeed-oauth`
        : undefined),
    oauthAuthorizeUrl: settings.LIGHTSPEED_OAUTH_AUTHORIZE_URL ?? LIGHTSPEED_AUTHORIZE_URL,
    syncSecret: settings.SYNC_SECRET,
    databaseUrl: settings.SYNC_DATABASE_URL ?? settings.SUPABASE_DB_URL,
    databaseUrls: [settings.SUPABASE_DB_URL, settings.SYNC_DATABASE_URL]
      .filter((url): url is string => url !== undefined),
    databasePoolSize: settings.SYNC_DATABASE_POOL_SIZE,
    supabaseUrl: settings.SUPABASE_URL?.replace(/\/+$/, ""),
    supabaseAnonKey: settings.SUPABASE_ANON_KEY,
    supabasePublishableKey: publishableKeyOf(settings.SUPABASE_PUBLISHABLE_KEYS),
    supabaseApiKeys: [
      ...keysOf(settings.SUPABASE_PUBLISHABLE_KEYS, "sb_publishable_"),
      ...keysOf(settings.SUPABASE_SECRET_KEYS, "sb_secret_"),
      ...(settings.SUPABASE_ANON_KEY ? [settings.SUPABASE_ANON_KEY] : []),
    ],
    supabaseJwks: jwksOf(settings.SUPABASE_JWKS),
    timeBudgetMs: settings.SYNC_TIME_BUDGET_MS,
    workerWallClockMs: settings.SYNC_WORKER_WALL_CLOCK_MS,
    cpuBudgetMs: settings.SYNC_CPU_BUDGET_MS,
    pageSizeOverride: settings.LIGHTSPEED_PAGE_SIZE,
    concurrency: settings.SYNC_CONCURRENCY,
    registerCount: settings.LIGHTSPEED_REGISTER_COUNT,
    maxRetryAfterMs: settings.LIGHTSPEED_MAX_RETRY_AFTER_MS,
    rateWindowMs: settings.LIGHTSPEED_RATE_WINDOW_MS,
    rateSafety: settings.LIGHTSPEED_RATE_SAFETY,
    webhookToken: settings.LIGHTSPEED_WEBHOOK_TOKEN,
    lightspeedClientSecret: settings.LIGHTSPEED_CLIENT_SECRET,
    webhookBudgetShare: settings.LIGHTSPEED_WEBHOOK_BUDGET_SHARE,
    webhookMinIntervalMs: settings.LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS,
  };
}

/** The declared settings by name, validated and defaulted; throws ConfigError. */
export function readSettings(env: Record<string, string | undefined>): SettingValues {
  // Blank values (common in .env files) count as unset.
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") present[name] = value;
  }
  const result = settingsSchema.safeParse(present);
  const problems = problemsOf(present, result.error?.issues ?? []);
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

const settingsSchema = z.object(
  Object.fromEntries(declaredSettings().map((setting) => [setting.name, settingSchema(setting)])),
) as unknown as z.ZodType<SettingValues>;

/** One problem per failing setting, in declaration order, in our own words only. */
function problemsOf(present: Record<string, string>, issues: z.core.$ZodIssue[]): ConfigProblem[] {
  const failed = new Set<string>();
  const explanations = new Map<string, string>();
  for (const issue of issues) {
    const name = String(issue.path[0]);
    failed.add(name);
    // zod's own texts could quote the value, and some values are secrets.
    const explanation = explanationOf(issue);
    if (explanation !== undefined && !explanations.has(name)) explanations.set(name, explanation);
  }
  return declaredSettings().flatMap((setting) => {
    const { required } = setting;
    const missing = typeof required === "object" && !present[setting.name] &&
      isRequiredBy(required, present);
    if (!missing && !failed.has(setting.name)) return [];
    return [{
      name: setting.name,
      expected: explanations.get(setting.name) ?? expectedText(setting),
    }];
  });
}
