/**
 * The functions' settings (contract §2), read from the environment and validated once.
 * Every bad or missing setting is reported together, by name, with what is expected; secret
 * values are never echoed back.
 */
import { z } from "zod";

/** Validated settings of the sync functions. */
export interface SyncConfig {
  /** e.g. "https://mystore.retail.lightspeed.app/api/2.0", no trailing slash. */
  lightspeedBaseUrl: string;
  lightspeedToken: string;
  syncSecret: string;
  databaseUrl: string;
  supabaseUrl?: string;
  supabaseAnonKey?: string;
  /** How long one invocation may work before it checkpoints and stops (at most 140 s). */
  timeBudgetMs: number;
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
  /** Lightspeed's rate-limit window (5 minutes; shrunk in tests). */
  rateWindowMs: number;
  /** Fraction of the rate limit the sync allows itself. */
  rateSafety: number;
}

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

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const VENDHQ_HOST = /vendhq\.com/i;

/** Reads and validates the settings; throws ConfigError listing everything wrong. */
export function loadConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): SyncConfig {
  // Blank values (common in .env files) count as unset.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = _schema.safeParse(present);
  const problems = new Map<string, string>();
  if (!present.LIGHTSPEED_DOMAIN_PREFIX && !present.LIGHTSPEED_API_BASE_URL) {
    problems.set("LIGHTSPEED_DOMAIN_PREFIX", _expectations.LIGHTSPEED_DOMAIN_PREFIX);
  }
  for (const issue of result.error?.issues ?? []) {
    const name = String(issue.path[0]);
    // Our own texts only: zod's could quote the value, and some values are secrets.
    const expected = issue.code === "custom" ? issue.message : _expectations[name];
    if (!problems.has(name)) problems.set(name, expected ?? "a valid value");
  }
  if (problems.size > 0 || !result.success) {
    throw new ConfigError([...problems].map(([name, expected]) => ({ name, expected })));
  }
  return result.data;
}

const _expectations: Record<string, string> = {
  LIGHTSPEED_DOMAIN_PREFIX:
    'required unless LIGHTSPEED_API_BASE_URL is set: the store\'s prefix, e.g. "mystore" ' +
    "for https://mystore.retail.lightspeed.app",
  LIGHTSPEED_API_BASE_URL: 'an http(s) URL such as "http://127.0.0.1:54330/api/2.0"',
  LIGHTSPEED_TOKEN: "required: a Lightspeed personal access token",
  SYNC_SECRET: "required: a random secret of at least 16 characters",
  SUPABASE_DB_URL: 'required: a PostgreSQL URL starting with "postgres://" or "postgresql://"',
  SUPABASE_URL: "an http(s) URL",
  SUPABASE_ANON_KEY: "a non-empty key",
  SYNC_TIME_BUDGET_MS: "an integer number of milliseconds from 5000 to 140000 (default 60000)",
  SYNC_CPU_BUDGET_MS: "an integer number of milliseconds from 100 to 10000 (default 600)",
  LIGHTSPEED_PAGE_SIZE: "an integer from 1 to 10000",
  SYNC_CONCURRENCY: "an integer from 1 to 10 (default 3)",
  LIGHTSPEED_REGISTER_COUNT: "an integer of at least 1",
  LIGHTSPEED_RATE_WINDOW_MS:
    "an integer number of milliseconds from 100 to 3600000 (default 300000)",
  LIGHTSPEED_RATE_SAFETY: "a fraction above 0 and at most 1 (default 0.9)",
};

function _integer(min: number, max: number) {
  return z.string().trim().regex(/^\d+$/).transform(Number).pipe(
    z.number().int().min(min).max(max),
  );
}

function _httpUrl() {
  return z.string().trim().refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  });
}

/** Explains a domain prefix that is really a URL or the retired vendhq.com host. */
function _domainPrefixProblem(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  if (DOMAIN_PREFIX.test(value)) return undefined;
  const host = value.replace(/^[a-z]+:\/\//, "").split(/[/:?#]/)[0];
  const guess = host.split(".")[0];
  // Suggest only from a Lightspeed or Vend host, so a pasted token is never echoed.
  const fromKnownHost = /\.(retail\.lightspeed\.app|vendhq\.com)$/.test(host);
  const hint = fromKnownHost && DOMAIN_PREFIX.test(guess) ? ` (did you mean "${guess}"?)` : "";
  if (VENDHQ_HOST.test(value)) {
    return "must be only the store's prefix, not a vendhq.com address: that host stopped " +
      `serving the API on 2025-03-31${hint}`;
  }
  if (value.includes(".") || value.includes("/")) {
    return 'must be only the store\'s prefix, e.g. "mystore" for ' +
      `https://mystore.retail.lightspeed.app, not a URL or host name${hint}`;
  }
  return "must be the store's prefix: letters, digits and inner hyphens, at most 63 characters";
}

const _schema = z.object({
  LIGHTSPEED_DOMAIN_PREFIX: z.string().optional().superRefine((value, context) => {
    const problem = value === undefined ? undefined : _domainPrefixProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  }),
  LIGHTSPEED_API_BASE_URL: _httpUrl().optional().superRefine((value, context) => {
    if (value !== undefined && VENDHQ_HOST.test(value)) {
      context.addIssue({
        code: "custom",
        message: "must not point at vendhq.com: that host stopped serving the API on " +
          '2025-03-31; use "https://<prefix>.retail.lightspeed.app/api/2.0"',
      });
    }
  }),
  LIGHTSPEED_TOKEN: z.string().trim().min(1),
  SYNC_SECRET: z.string().min(16),
  SUPABASE_DB_URL: z.string().trim().refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "postgres:" || url.protocol === "postgresql:";
    } catch {
      return false;
    }
  }),
  SUPABASE_URL: _httpUrl().optional(),
  SUPABASE_ANON_KEY: z.string().trim().min(1).optional(),
  // sync-entity replies only when its run ends, and the platform drops a request that has
  // sent nothing for 150 s (a 504): the budget stays below that with room to close the run.
  SYNC_TIME_BUDGET_MS: _integer(5_000, 140_000).default(60_000),
  SYNC_CPU_BUDGET_MS: _integer(100, 10_000).default(600),
  LIGHTSPEED_PAGE_SIZE: _integer(1, 10_000).optional(),
  SYNC_CONCURRENCY: _integer(1, 10).default(3),
  LIGHTSPEED_REGISTER_COUNT: _integer(1, 100_000).optional(),
  LIGHTSPEED_RATE_WINDOW_MS: _integer(100, 3_600_000).default(300_000),
  LIGHTSPEED_RATE_SAFETY: z.string().trim().regex(/^(?:\d+\.?\d*|\.\d+)$/).transform(Number)
    .pipe(z.number().gt(0).lte(1)).default(0.9),
}).transform((settings): SyncConfig => ({
  lightspeedBaseUrl: settings.LIGHTSPEED_API_BASE_URL?.replace(/\/+$/, "") ??
    `https://${settings.LIGHTSPEED_DOMAIN_PREFIX?.trim().toLowerCase()}.retail.lightspeed.app/api/2.0`,
  lightspeedToken: settings.LIGHTSPEED_TOKEN,
  syncSecret: settings.SYNC_SECRET,
  databaseUrl: settings.SUPABASE_DB_URL,
  supabaseUrl: settings.SUPABASE_URL?.replace(/\/+$/, ""),
  supabaseAnonKey: settings.SUPABASE_ANON_KEY,
  timeBudgetMs: settings.SYNC_TIME_BUDGET_MS,
  cpuBudgetMs: settings.SYNC_CPU_BUDGET_MS,
  pageSizeOverride: settings.LIGHTSPEED_PAGE_SIZE,
  concurrency: settings.SYNC_CONCURRENCY,
  registerCount: settings.LIGHTSPEED_REGISTER_COUNT,
  rateWindowMs: settings.LIGHTSPEED_RATE_WINDOW_MS,
  rateSafety: settings.LIGHTSPEED_RATE_SAFETY,
}));
