// A whole local stack for integration tests, over real HTTP: the simulator, the functions
// (served from this process like `functions:serve`, each in workers of the local edge
// runtime), and the local PostgreSQL (through the transaction pooler when TEST_SYNC_DATABASE_URL
// names one).
import {
  type RunningSimulator,
  type SimulatorOptions,
  startSimulator,
} from "../../simulator/mod.ts";
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import type { KeyMode } from "../api/key_mode.ts";
import { type LocalApi, startLocalApi } from "../api/server.ts";
import type { WorkerEvent } from "../edge_runtime/local_worker.ts";
import {
  connectTestDatabase,
  pooledFunctionsEnv,
  resetSyncData,
  testDatabaseUrl,
} from "./database.ts";

export const testSyncSecret = "test-sync-secret-0123456789abcdef";

export interface SyncStackOptions {
  simulator?: SimulatorOptions;
  functionsEnv?: Record<string, string>;
  /** Keep existing rows (default: start from an empty install). */
  keepData?: boolean;
  /** The local edge runtime's wall clock per worker (default 150 s, the Free plan's). */
  workerWallClockMs?: number;
  /** Which API keys the stand-ins accept and the functions get (default "both"). */
  keyMode?: KeyMode;
}

// Replies are read field by field by the tests that assert on them.
// deno-lint-ignore no-explicit-any
type JsonReply = any;

export interface SyncStack {
  simulator: RunningSimulator;
  api: LocalApi;
  sql: Sql;
  /** What the functions' workers went through, in order (started, retired, stopped, ...). */
  workerEvents: WorkerEvent[];
  invoke(
    name: string,
    body?: unknown,
    headers?: HeadersInit,
  ): Promise<{ status: number; body: JsonReply }>;
  control(path: string, body?: unknown, method?: string): Promise<JsonReply>;
  stop(): Promise<void>;
}

/** A simulator acting as an OAuth app: the functions sign in through it (README § OAuth). */
export function oauthEnv(simulator: RunningSimulator): Record<string, string> {
  if (!simulator.oauth) return {};
  return {
    LIGHTSPEED_AUTH_MODE: "oauth",
    LIGHTSPEED_TOKEN: "",
    LIGHTSPEED_CLIENT_ID: simulator.oauth.options.clientId,
    LIGHTSPEED_CLIENT_SECRET: simulator.oauth.options.clientSecret,
    LIGHTSPEED_OAUTH_AUTHORIZE_URL: simulator.authorizeUrl,
  };
}

export async function startSyncStack(options: SyncStackOptions = {}): Promise<SyncStack> {
  const sql = await connectTestDatabase();
  if (!options.keepData) await resetSyncData(sql);
  const simulator = await startSimulator({ port: 0, ...options.simulator });
  const timeScale = options.simulator?.timeScale ?? 1;
  const workerEvents: WorkerEvent[] = [];
  const api = startLocalApi({
    port: 0,
    databaseUrl: testDatabaseUrl,
    keyMode: options.keyMode,
    functions: {
      workerWallClockMs: options.workerWallClockMs,
      onWorkerEvent: (event) => workerEvents.push(event),
    },
    functionsEnv: {
      LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
      LIGHTSPEED_TOKEN: simulator.token,
      SYNC_SECRET: testSyncSecret,
      LIGHTSPEED_RATE_WINDOW_MS: String(Math.round(300_000 / timeScale)),
      SYNC_TIME_BUDGET_MS: "30000",
      ...oauthEnv(simulator),
      ...pooledFunctionsEnv(testDatabaseUrl),
      ...options.functionsEnv,
    },
  });
  async function invoke(name: string, body?: unknown, headers: HeadersInit = {}) {
    const reply = await fetch(`${api.url}/functions/v1/${name}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", "x-sync-secret": testSyncSecret, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await reply.text();
    return { status: reply.status, body: text ? JSON.parse(text) : null };
  }
  async function control(
    path: string,
    body?: unknown,
    method = body === undefined ? "GET" : "POST",
  ) {
    const reply = await fetch(`${simulator.controlUrl}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`Simulator control ${path} failed: ${reply.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return {
    simulator,
    api,
    sql,
    workerEvents,
    invoke,
    control,
    async stop() {
      await api.stop();
      await simulator.stop();
      await sql.end({ timeout: 5 });
    },
  };
}
