// Shared pieces of the chaos suite: a seeded random source, the simulator and the functions'
// own OS process with every log line captured, HTTP calls whose replies are kept, and the tally
// the closing summary prints. Everything captured here is searched for secret values at the end.
import { type RunningSimulator, type SimulatorOptions, startSimulator } from "../simulator/mod.ts";
import { compareWithSource } from "../dev/testing/compare_with_source.ts";
import { secretsFoundByAnyRole } from "../dev/testing/secret_search.ts";
import {
  freePort,
  type FunctionsProcess,
  startFunctionsProcess,
} from "../dev/testing/functions_process.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import type { EntityName } from "../supabase/functions/_shared/entities/registry.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** What the closing summary reports; every scenario adds to it. */
export const tally = {
  /** Names of the scenarios chaos_test.ts registers, and of those a filter let start. */
  registered: [] as string[],
  started: [] as string[],
  /** One line per scenario that finished. */
  scenarios: [] as string[],
  crashPoints: 0,
  dbRestarts: 0,
  /** Faults the simulator reports as injected (stats.injectedFaults), plus tampered records. */
  apiFaults: 0,
  badInputs: 0,
  rowsCompared: 0,
  mismatches: [] as string[],
  startedAt: performance.now(),
};

/** Secret values that must never appear in a log, a table or a reply. */
export const secrets = new Set<string>();
/** Every log line of every process the suite started, and every reply it received. */
export const captured = { logs: [] as string[], replies: [] as string[] };

/** Distinctive secret values, so a search for them cannot match anything by chance. */
export function newSecret(label: string): string {
  const value = `${label}-${crypto.randomUUID()}`;
  secrets.add(value);
  return value;
}

export const syncSecret = newSecret("chaos-sync-secret");
export const lightspeedToken = newSecret("chaos-ls-token");

/** mulberry32: a small seeded PRNG, so a failing crash schedule can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export interface Simulator {
  sim: RunningSimulator;
  apiBaseUrl: string;
  controlUrl: string;
  control(path: string, body?: unknown, method?: string): Promise<Json>;
  stop(): Promise<void>;
}

export async function startSim(options: SimulatorOptions): Promise<Simulator> {
  const sim = await startSimulator({ port: 0, token: lightspeedToken, ...options });
  async function control(path: string, body?: unknown, method?: string): Promise<Json> {
    const reply = await fetch(`${sim.controlUrl}${path}`, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`Simulator control ${path}: ${reply.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return {
    sim,
    apiBaseUrl: sim.apiBaseUrl,
    controlUrl: sim.controlUrl,
    control,
    stop: () => sim.stop(),
  };
}

/** Faults the simulator injected since its last stats reset, added to the tally. */
export async function countInjected(simulator: Simulator): Promise<number> {
  const stats = await simulator.control("/stats");
  tally.apiFaults += stats.injectedFaults;
  return stats.injectedFaults;
}

/** The functions in their own process (see dev/testing/functions_process.ts). */
export type Functions = FunctionsProcess;

/**
 * The functions served like `functions:serve`, in their own process, with what they print
 * captured for the secret search. SUPABASE_URL is the process's own URL so import-history can
 * hand itself over.
 */
export async function startFunctions(
  env: Record<string, string>,
  options: { port?: number } = {},
): Promise<Functions> {
  const port = options.port ?? freePort();
  return await startFunctionsProcess(
    { SUPABASE_URL: `http://127.0.0.1:${port}`, ...env },
    { port, onOutput: (text) => captured.logs.push(text) },
  );
}

/** Calls a function; the reply text is kept for the secret search. */
export async function call(
  baseUrl: string,
  name: string,
  body?: unknown,
  headers: Record<string, string> = { "x-sync-secret": syncSecret },
): Promise<{ status: number; body: Json; text: string }> {
  return await callRaw(
    baseUrl,
    name,
    body === undefined ? undefined : JSON.stringify(body),
    headers,
  );
}

/** Like {@link call} with the body text sent exactly as given (e.g. JSON that does not parse). */
export async function callRaw(
  baseUrl: string,
  name: string,
  text?: string,
  headers: Record<string, string> = { "x-sync-secret": syncSecret },
): Promise<{ status: number; body: Json; text: string }> {
  const reply = await fetch(`${baseUrl}/functions/v1/${name}`, {
    method: text === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...headers },
    body: text,
  });
  const replyText = await reply.text();
  captured.replies.push(replyText);
  let parsed: Json = null;
  try {
    parsed = replyText ? JSON.parse(replyText) : null;
  } catch {
    parsed = { unparsable: replyText };
  }
  return { status: reply.status, body: parsed, text: replyText };
}

/** The functions' environment for a simulator and a database. */
export function functionsEnv(
  simulator: Simulator,
  databaseUrl: string,
  timeScale: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
    LIGHTSPEED_TOKEN: lightspeedToken,
    SYNC_SECRET: syncSecret,
    SUPABASE_DB_URL: databaseUrl,
    LIGHTSPEED_RATE_WINDOW_MS: String(Math.round(300_000 / timeScale)),
    ...extra,
  };
}

/** The oracle (dev/testing/compare_with_source.ts), counted in the tally. */
export async function compare(
  sql: Sql,
  simulator: Simulator,
  entities: readonly EntityName[],
  label: string,
): Promise<string[]> {
  const result = await compareWithSource(sql, simulator.controlUrl, entities);
  tally.rowsCompared += result.rowsCompared;
  tally.mismatches.push(...result.mismatches.map((m) => `${label}: ${m}`));
  return result.mismatches;
}

/** Highest version per entity in the source (what a completed run's cursor must reach). */
export async function sourceMaxVersions(
  simulator: Simulator,
  entities: readonly string[],
): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const entity of entities) {
    const reply = await fetch(`${simulator.controlUrl}/dump?entity=${entity}`);
    const { data } = await reply.json();
    result[entity] = data.reduce(
      (max: number, r: { version: unknown }) => Math.max(max, Number(r.version) || 0),
      0,
    );
  }
  return result;
}

/**
 * Rows of sync_log recorded as 'completed' although they did not reach the end of the source:
 * a completed run's cursor_end must be the entity's highest source version. Only runs started
 * after `startedAfter` (default: all) are judged: the source must not have changed since, while
 * a run that started before a change may rightly have completed at the old end.
 */
export async function falseCompletions(
  sql: Sql,
  maxVersions: Record<string, number>,
  startedAfter: Date = new Date(0),
): Promise<string[]> {
  const rows = await sql<{ id: number; entity: string; cursor_end: number }[]>`
    select id::int, entity, cursor_end from public.sync_log
    where status = 'completed' and entity = any(${Object.keys(maxVersions)})
      and started_at > ${startedAfter}`;
  return rows.filter((r) => Number(r.cursor_end) !== maxVersions[r.entity])
    .map((r) =>
      `sync_log ${r.id} (${r.entity}) completed at ${r.cursor_end}, source ends at ` +
      `${maxVersions[r.entity]}`
    );
}

/**
 * Searches every text of the database a secret could leak into (each table of public,
 * sync_private, cron and net; Vault is where secrets belong), as the owner and as anon and
 * authenticated, who also must not be able to read pg_net's tables at all.
 */
export function secretsInDatabase(sql: Sql, values: Iterable<string>): Promise<string[]> {
  return secretsFoundByAnyRole(sql, values);
}

/** Places among the captured logs and replies that contain a secret value. */
export function secretsInCaptured(values: Iterable<string>): string[] {
  const found: string[] = [];
  const logs = captured.logs.join("");
  const replies = captured.replies.join("\n");
  for (const value of values) {
    if (logs.includes(value)) found.push(`a process log holds ${value.slice(0, 18)}…`);
    if (replies.includes(value)) found.push(`a reply holds ${value.slice(0, 18)}…`);
  }
  return found;
}
