/**
 * The functions' settings (README "Settings (function secrets)"), declared once. The check
 * (setting_rules.ts builds the zod schema) and the text an operator reads when a setting is
 * wrong are both derived from these declarations, so a range or default cannot differ between
 * them.
 */

/** The shape of a setting's value; ranges and defaults live here and nowhere else. */
export type SettingShape =
  /** Free text; trimmed unless keepSpaces, and at least minLength characters (default 1). */
  | { kind: "text"; minLength?: number; keepSpaces?: true }
  /** A URL with one of these protocols (without "://"), trimmed. */
  | {
    kind: "url";
    protocols: readonly string[];
    /** Also plain http, but only to a loopback host (the simulator, tests). */
    loopbackHttp?: true;
    example?: string;
    /** Refuse the retired vendhq.com API host with an explanation. */
    refusesVendHq?: true;
  }
  /** A whole decimal number from min to max inclusive. */
  | { kind: "integer"; min: number; max: number; default?: number; unit?: "milliseconds" }
  /** A decimal number above `above` and at most `atMost`. */
  | { kind: "fraction"; above: number; atMost: number; default?: number }
  /** The store's domain prefix, with explanations for pasted URLs and vendhq.com hosts. */
  | { kind: "storePrefix" }
  /** One of a few words, compared without case. */
  | { kind: "choice"; options: readonly string[] };

/** Required only while another setting has a given value (or is unset, with orUnset). */
export interface RequiredWhen {
  whenSetting: string;
  equals: string;
  orUnset?: true;
}

export interface SettingDeclaration {
  /**
   * What the value is, as the operator reads it. Text and URL settings' error messages lead
   * with it; numbers are described by their kind and range instead.
   */
  description: string;
  shape: SettingShape;
  /**
   * true, false, required only while another (declared) setting is unset, or only while
   * another has a given value.
   */
  required: boolean | { unlessSet: string } | RequiredWhen;
  /** Whether the value must never appear in a message or log (no value ever does). */
  secret: boolean;
  /**
   * Who sets it: the operator (supabase/functions/.env.example), the platform (Supabase
   * provides it to every function), or the tests only.
   */
  setBy: "operator" | "platform" | "tests";
}

export const settings = {
  LIGHTSPEED_DOMAIN_PREFIX: {
    description: 'the store\'s prefix, e.g. "mystore" for https://mystore.retail.lightspeed.app',
    shape: { kind: "storePrefix" },
    required: { unlessSet: "LIGHTSPEED_API_BASE_URL" },
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_API_BASE_URL: {
    description: "the whole API base URL",
    // The token travels with every request: never in clear text over a network.
    shape: {
      kind: "url",
      protocols: ["https"],
      loopbackHttp: true,
      example: "http://127.0.0.1:54330/api/2.0",
      refusesVendHq: true,
    },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_AUTH_MODE: {
    description: "how the sync signs in to Lightspeed: personal (LIGHTSPEED_TOKEN) or oauth " +
      "(an OAuth app connected with deno task connect; README § OAuth)",
    shape: { kind: "choice", options: ["personal", "oauth"] },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_TOKEN: {
    description: "a Lightspeed personal access token",
    shape: { kind: "text" },
    required: { whenSetting: "LIGHTSPEED_AUTH_MODE", equals: "personal", orUnset: true },
    secret: true,
    setBy: "operator",
  },
  SYNC_SECRET: {
    description: "a random secret",
    // Compared byte for byte with what callers send, so never trimmed.
    shape: { kind: "text", minLength: 16, keepSpaces: true },
    required: true,
    secret: true,
    setBy: "operator",
  },
  SUPABASE_DB_URL: {
    description: "a PostgreSQL URL",
    shape: { kind: "url", protocols: ["postgres", "postgresql"] },
    required: true,
    secret: true,
    setBy: "platform",
  },
  LIGHTSPEED_WEBHOOK_TOKEN: {
    description: "a random webhook URL token",
    // Compared byte for byte with the URL's token; unset, lightspeed-webhook refuses every call.
    shape: { kind: "text", minLength: 32, keepSpaces: true },
    required: false,
    secret: true,
    setBy: "operator",
  },
  LIGHTSPEED_CLIENT_ID: {
    description: "the OAuth app's client id",
    shape: { kind: "text" },
    required: { whenSetting: "LIGHTSPEED_AUTH_MODE", equals: "oauth" },
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_CLIENT_SECRET: {
    description: "the OAuth app's client secret (webhooks must then be signed with it)",
    shape: { kind: "text", keepSpaces: true },
    required: { whenSetting: "LIGHTSPEED_AUTH_MODE", equals: "oauth" },
    secret: true,
    setBy: "operator",
  },
  LIGHTSPEED_OAUTH_REDIRECT_URL: {
    description: "the OAuth app's redirect URL as registered with Lightspeed (default: " +
      "SUPABASE_URL's /functions/v1/lightspeed-oauth)",
    shape: {
      kind: "url",
      protocols: ["https"],
      loopbackHttp: true,
      example: "https://<ref>.supabase.co/functions/v1/lightspeed-oauth",
    },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_OAUTH_AUTHORIZE_URL: {
    description: "Lightspeed's authorize page (the simulator's in tests)",
    shape: { kind: "url", protocols: ["https"], loopbackHttp: true },
    required: false,
    secret: false,
    setBy: "tests",
  },
  SYNC_DATABASE_URL: {
    // Supabase gives the functions only the direct connection (SUPABASE_DB_URL), and names
    // starting with SUPABASE_ are reserved, so the pooler needs a setting of its own.
    description: "Supabase's transaction pooler URL (port 6543), used instead of SUPABASE_DB_URL",
    shape: {
      kind: "url",
      protocols: ["postgres", "postgresql"],
      example:
        "postgres://postgres.<ref>:<password>@aws-0-<region>.pooler.supabase.com:6543/postgres",
    },
    required: false,
    secret: true,
    setBy: "operator",
  },
  SUPABASE_URL: {
    description: "the project's URL",
    shape: { kind: "url", protocols: ["http", "https"] },
    required: false,
    secret: false,
    setBy: "platform",
  },
  SUPABASE_ANON_KEY: {
    description: "the project's legacy anon key",
    shape: { kind: "text" },
    required: false,
    secret: false,
    setBy: "platform",
  },
  SUPABASE_PUBLISHABLE_KEYS: {
    // A JSON object of name -> key; the names are the project's own ("default" preferred).
    description: 'the project\'s publishable keys, e.g. {"default":"sb_publishable_..."}',
    shape: { kind: "text" },
    required: false,
    secret: false,
    setBy: "platform",
  },
  SUPABASE_SECRET_KEYS: {
    // Never used by the functions; declared so that every message redacts them.
    description: 'the project\'s secret keys, e.g. {"default":"sb_secret_..."}',
    shape: { kind: "text" },
    required: false,
    secret: true,
    setBy: "platform",
  },
  SUPABASE_JWKS: {
    description: "the JSON Web Key Set of the keys that sign users' tokens",
    shape: { kind: "text" },
    required: false,
    secret: false,
    setBy: "platform",
  },
  SYNC_TIME_BUDGET_MS: {
    description: "how long one invocation may work before it checkpoints and stops",
    // sync-entity replies only when its run ends, and the platform drops a request that has
    // sent nothing for 150 s (a 504): the budget stays below that with room to close the run.
    shape: { kind: "integer", unit: "milliseconds", min: 5_000, max: 140_000, default: 60_000 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  SYNC_WORKER_WALL_CLOCK_MS: {
    description: "the wall clock the platform gives each function worker",
    // A worker serves several requests, and the platform stops it this long after it started
    // (150 s on the Free plan, 400 s on paid plans): a run in a reused worker ends before that.
    shape: {
      kind: "integer",
      unit: "milliseconds",
      min: 5_000,
      max: 400_000,
      default: 150_000,
    },
    required: false,
    secret: false,
    setBy: "operator",
  },
  SYNC_CPU_BUDGET_MS: {
    description:
      "CPU the sync's own work on pages (parsing, validation, handling) may use per invocation",
    shape: { kind: "integer", unit: "milliseconds", min: 100, max: 10_000, default: 600 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_PAGE_SIZE: {
    description: "page size override (sales are always capped at 500)",
    shape: { kind: "integer", min: 1, max: 10_000 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  SYNC_CONCURRENCY: {
    description: "entities imported at once",
    shape: { kind: "integer", min: 1, max: 10, default: 3 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  SYNC_DATABASE_POOL_SIZE: {
    description: "database connections one function instance opens at most: a run holds one " +
      "for each page's transaction, and SYNC_CONCURRENCY runs at once plus one connection for " +
      "the short statements between pages (request-budget claims and releases, the lease, the " +
      "run log) keep every run busy; a smaller pool only makes them take turns",
    // No transaction waits for another connection of the pool (a page's transaction uses only
    // its own, and claims run outside it), so even 1 cannot deadlock, only serialise. Default:
    // the default SYNC_CONCURRENCY (3) plus one. Past 20 a single instance would hold a third
    // of the smallest plans' 60 direct connections.
    shape: { kind: "integer", min: 1, max: 20, default: 4 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_REGISTER_COUNT: {
    description: "registers that set the rate limit; read from /registers when absent",
    shape: { kind: "integer", min: 1, max: 100_000 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_MAX_RETRY_AFTER_MS: {
    description: "the longest a 429's Retry-After may hold off the whole store",
    // A 429's wait is shared store-wide, so one bad header could otherwise stop every sync
    // for weeks. Lightspeed's window is 5 minutes: twice that is never a legitimate wait.
    shape: {
      kind: "integer",
      unit: "milliseconds",
      min: 1_000,
      max: 3_600_000,
      default: 600_000,
    },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_RATE_WINDOW_MS: {
    description: "Lightspeed's rate-limit window (5 minutes; shrunk in tests)",
    shape: {
      kind: "integer",
      unit: "milliseconds",
      min: 100,
      max: 3_600_000,
      default: 300_000,
    },
    required: false,
    secret: false,
    setBy: "tests",
  },
  LIGHTSPEED_RATE_SAFETY: {
    description: "share of Lightspeed's rate limit the sync allows itself",
    // All of it by default: the request budget counts each request from before it is sent
    // until one window after its reply, which holds every moment Lightspeed may count it, so
    // the budget's window never has fewer requests than Lightspeed's (README "How it works").
    // Lower it when something outside this sync spends the same app's allowance.
    shape: { kind: "fraction", above: 0, atMost: 1, default: 1 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_WEBHOOK_BUDGET_SHARE: {
    description: "share of the request budget webhook-driven passes may use; the rest is " +
      "kept for scheduled and import work",
    shape: { kind: "fraction", above: 0, atMost: 1, default: 0.5 },
    required: false,
    secret: false,
    setBy: "operator",
  },
  LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS: {
    description: "the shortest time between two webhook-driven passes of one entity",
    // Coalescing: a burst of events costs one pass per interval, not one per event.
    shape: { kind: "integer", unit: "milliseconds", min: 500, max: 300_000, default: 5_000 },
    required: false,
    secret: false,
    setBy: "operator",
  },
} as const satisfies Record<string, SettingDeclaration>;

export type SettingName = keyof typeof settings;

type Declared<N extends SettingName> = (typeof settings)[N];
type ValueOf<S> = S extends { shape: { kind: "integer" | "fraction" } } ? number : string;
type AlwaysSet<S> = S extends { required: true } | { shape: { default: number } } ? true : false;

/** The validated values by setting name; unset optional settings are undefined. */
export type SettingValues = {
  [N in SettingName]: AlwaysSet<Declared<N>> extends true ? ValueOf<Declared<N>>
    : ValueOf<Declared<N>> | undefined;
};

/** Every declared setting with its name, in declaration order. */
export function declaredSettings(): (SettingDeclaration & { name: SettingName })[] {
  return (Object.keys(settings) as SettingName[]).map((name) => ({ name, ...settings[name] }));
}
