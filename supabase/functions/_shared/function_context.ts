// What every function needs, built once per isolate: validated settings, the database pool and
// the shared request budget sized from the store's register count.
import { ConfigError, loadConfig, type SyncConfig } from "./config.ts";
import { createDatabase, type Sql } from "./database.ts";
import { createLightspeedClient } from "./lightspeed/client.ts";
import { oauthTokenProvider } from "./lightspeed/oauth/oauth_token_provider.ts";
import { tokenUrlOf } from "./lightspeed/oauth/token_endpoint.ts";
import { readRegisterCount } from "./lightspeed/register_count.ts";
import {
  createPostgresRequestBudget,
  registerCountToLimit,
  type RequestBudget,
} from "./lightspeed/request_budget.ts";
import type { SyncEnvironment } from "./sync/run_entity_sync.ts";
import type { TokenProvider } from "./lightspeed/token_provider.ts";
import {
  isolateWorkerLifetime,
  standaloneWorkerLifetime,
  type WorkerLifetime,
} from "./worker_lifetime.ts";

export interface FunctionContext {
  config: SyncConfig;
  sql: Sql;
  /** Values redacted from every message (OAuth tokens join as they are met). */
  secrets: readonly string[];
  /** The personal token, or the OAuth connection's provider (one per isolate). */
  lightspeedToken: string | TokenProvider;
  /** The worker this context lives in: its start and the platform's notice of its end. */
  worker: WorkerLifetime;
  /**
   * The environment runs need. `deadline` (epoch ms) is the invocation's: reading the register
   * count from Lightspeed, when that is needed, never waits past it. `budgetShare` (0..1]
   * gives a budget that refuses requests once the store's window is that full (webhook-driven
   * passes leave the rest to scheduled and import work).
   */
  syncEnvironment(options?: { deadline?: number; budgetShare?: number }): Promise<SyncEnvironment>;
}

// Reading /registers must not itself wait long; a single register's allowance is the floor.
const REGISTER_PROBE_MS = 20_000;

function storeKeyOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.host}${url.pathname}`.replace(/\/+$/, "");
}

function databasePassword(databaseUrl: string): string | null {
  try {
    return decodeURIComponent(new URL(databaseUrl).password) || null;
  } catch {
    return null;
  }
}

/** Registers set the rate limit: a setting, else synced registers, else ask Lightspeed. */
async function registerCount(
  config: SyncConfig,
  token: string | TokenProvider,
  sql: Sql,
  floorBudget: RequestBudget,
  deadline: number,
): Promise<{ registers: number; provisional?: boolean }> {
  if (config.registerCount) return { registers: config.registerCount };
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from public.lightspeed_registers where deleted_at is null`;
  if (row.count > 0) return { registers: row.count };
  const probe = createLightspeedClient({
    baseUrl: config.lightspeedBaseUrl,
    token,
    budget: floorBudget,
    maxAttempts: 3,
    maxRetryAfterMs: config.maxRetryAfterMs,
  });
  try {
    return {
      registers: Math.max(
        1,
        await readRegisterCount(probe, Math.min(deadline, Date.now() + REGISTER_PROBE_MS)),
      ),
    };
  } catch {
    // One register's allowance is the floor of every store's: safe until the next probe. The
    // run itself then meets (and records) whatever made the probe fail.
    return { registers: 1, provisional: true };
  }
}

/** Every value of the settings that must never appear in a message. */
function secretsOf(config: SyncConfig): string[] {
  return [
    config.lightspeedToken,
    config.syncSecret,
    config.webhookToken,
    config.lightspeedClientSecret,
    ...config.databaseUrls.map(databasePassword),
    ...config.supabaseApiKeys.filter((key) => key.startsWith("sb_secret_")),
  ].filter((s): s is string => !!s);
}

/** personal: the token itself; oauth: a provider refreshing the connection's tokens. */
function tokenSourceOf(
  config: SyncConfig,
  sql: Sql,
  onToken: (token: string) => void,
): string | TokenProvider {
  if (config.authMode === "personal") return config.lightspeedToken!;
  return oauthTokenProvider({
    sql,
    tokenUrl: tokenUrlOf(config.lightspeedBaseUrl),
    clientId: config.lightspeedClientId!,
    clientSecret: config.lightspeedClientSecret!,
    onToken,
  });
}

export function createFunctionContext(
  env: Record<string, string | undefined>,
  worker: WorkerLifetime = standaloneWorkerLifetime(),
): FunctionContext {
  const config = loadConfig(env);
  const sql = createDatabase(config.databaseUrl, { max: config.databasePoolSize });
  const secrets = secretsOf(config);
  const lightspeedToken = tokenSourceOf(config, sql, (token) => secrets.push(token));
  const storeKey = storeKeyOf(config.lightspeedBaseUrl);
  const budgetFor = (registers: number, share = 1) =>
    createPostgresRequestBudget(sql, {
      storeKey,
      requestLimit: registerCountToLimit(registers),
      windowMs: config.rateWindowMs,
      safety: config.rateSafety * share,
    });
  let environment: Promise<SyncEnvironment> | null = null;
  const registersOf = new WeakMap<SyncEnvironment, number>();
  return {
    config,
    sql,
    secrets,
    lightspeedToken,
    worker,
    async syncEnvironment(options = {}) {
      const shared = await sharedEnvironment(options.deadline);
      if (options.budgetShare === undefined) return shared;
      const registers = registersOf.get(shared) ?? 1;
      return { ...shared, budget: budgetFor(registers, options.budgetShare) };
    },
  };

  function sharedEnvironment(deadlineOption?: number): Promise<SyncEnvironment> {
    if (environment) return environment;
    const deadline = deadlineOption ?? Number.POSITIVE_INFINITY;
    const pending = registerCount(config, lightspeedToken, sql, budgetFor(1), deadline).then(
      ({ registers, provisional }) => {
        // A provisional size is used once and asked for again by the next run.
        if (provisional) environment = null;
        const built: SyncEnvironment = {
          sql,
          budget: budgetFor(registers),
          lightspeedBaseUrl: config.lightspeedBaseUrl,
          lightspeedToken,
          pageSizeOverride: config.pageSizeOverride,
          maxRetryAfterMs: config.maxRetryAfterMs,
          secrets,
        };
        registersOf.set(built, registers);
        return built;
      },
    );
    environment = pending;
    pending.catch(() => {
      environment = null;
    });
    return pending;
  }
}

let isolateContext: FunctionContext | null = null;
let reportedConfigError = false;

/** The isolate's context from its environment; a ConfigError is logged once, by name only. */
export function isolateFunctionContext(): FunctionContext {
  if (isolateContext) return isolateContext;
  try {
    isolateContext = createFunctionContext(Deno.env.toObject(), isolateWorkerLifetime());
    return isolateContext;
  } catch (error) {
    if (error instanceof ConfigError && !reportedConfigError) {
      reportedConfigError = true;
      console.error(error.message);
    }
    throw error;
  }
}
