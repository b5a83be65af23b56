// The benchmark's stack: the simulator in this process, the functions in their own process
// (what `deno task functions:serve` runs) so their CPU and memory can be read from /proc.
import { functionsV8Flags } from "../dev/functions_runtime_flags.ts";
import { isPortFree, sleep, stopProcessTree, waitForHttp } from "../dev/demo_processes.ts";
import { repoRoot } from "../dev/paths.ts";
import { benchDatabaseUrl } from "./isolated_db.ts";
import {
  type RunningSimulator,
  type ScaleOption,
  type SimulatorOptions,
  startSimulator,
} from "../simulator/mod.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { type GcTotals, tallyGcLines } from "./gc_trace.ts";

export const benchSecret = "bench-sync-secret-0123456789abcdef";

// deno-lint-ignore no-explicit-any
export type Json = any;

/** Real-world Lightspeed latency the model starts from, divided by the time scale. */
export const REAL_LATENCY = { baseMs: 300, perRecordMs: 0.5 };

export interface StoreOptions {
  scale: ScaleOption;
  /** Registers in the whole store (one outlet holds them all), which set Lightspeed's limit. */
  registers: number;
  timeScale: number;
  seed?: number;
  /** How the store delivers webhooks (the freshness phase loses some on purpose). */
  webhooks?: SimulatorOptions["webhooks"];
}

export async function startStore(options: StoreOptions): Promise<RunningSimulator> {
  return await startSimulator({
    port: 0,
    seed: options.seed ?? 1,
    scale: options.scale,
    // The simulator's `registers` is per outlet: one outlet makes it the store's count.
    outlets: 1,
    registers: options.registers,
    timeScale: options.timeScale,
    latency: {
      baseMs: REAL_LATENCY.baseMs / options.timeScale,
      perRecordMs: REAL_LATENCY.perRecordMs / options.timeScale,
    },
    webhooks: options.webhooks,
  });
}

export interface FunctionsServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * `deno task functions:serve` runs `deno run -A dev/functions_serve.ts`; this starts that same
 * command directly so the pid read from /proc is the server itself, not the task runner.
 * Every setting is passed explicitly (blank = unset), so supabase/functions/.env cannot leak in.
 * With `gcTotals`, V8 traces every collection and the totals count them as they happen.
 */
export async function startFunctions(
  simulator: RunningSimulator,
  timeScale: number,
  extraEnv: Record<string, string> = {},
  denoFlags: string[] = [],
  options: { gcTotals?: GcTotals } = {},
): Promise<FunctionsServer> {
  const port = freePort();
  const args = ["run", "-A", functionsV8Flags, ...denoFlags, "dev/functions_serve.ts"];
  // Traced, stdout is line-buffered (stdbuf execs deno, so the pid stays the server's): each
  // collection is counted when it happens, not when a pipe's buffer fills.
  const command = options.gcTotals
    ? ["stdbuf", "-oL", Deno.execPath(), ...args.with(2, `${functionsV8Flags},--trace-gc`)]
    : [Deno.execPath(), ...args];
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd: repoRoot,
    env: {
      LOCAL_API_PORT: String(port),
      LIGHTSPEED_DOMAIN_PREFIX: "",
      LIGHTSPEED_API_BASE_URL: simulator.apiBaseUrl,
      LIGHTSPEED_TOKEN: simulator.token,
      SYNC_SECRET: benchSecret,
      SUPABASE_DB_URL: benchDatabaseUrl,
      SUPABASE_URL: `http://127.0.0.1:${port}`,
      LIGHTSPEED_RATE_WINDOW_MS: String(Math.round(300_000 / timeScale)),
      LIGHTSPEED_REGISTER_COUNT: "",
      LIGHTSPEED_PAGE_SIZE: "",
      SYNC_TIME_BUDGET_MS: "",
      SYNC_CONCURRENCY: "",
      LIGHTSPEED_RATE_SAFETY: "",
      NO_COLOR: "1",
      ...extraEnv,
    },
    stdin: "null",
    stdout: options.gcTotals ? "piped" : "null",
    stderr: "inherit",
  }).spawn();
  if (options.gcTotals) tallyGcLines(child.stdout, options.gcTotals).catch(() => {});
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitForHttp(`${url}/functions/v1/health`, 60_000),
    child.status.then((s) => {
      throw new Error(`functions:serve exited with code ${s.code}`);
    }),
  ]);
  return {
    url,
    pid: child.pid,
    async stop() {
      await stopProcessTree(child);
      const deadline = Date.now() + 5_000;
      while (!(await isPortFree(port)) && Date.now() < deadline) await sleep(50);
    },
  };
}

export async function invoke(server: FunctionsServer, name: string, body: unknown): Promise<Json> {
  const reply = await fetch(`${server.url}/functions/v1/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sync-secret": benchSecret },
    body: JSON.stringify(body),
  });
  const text = await reply.text();
  if (!reply.ok) throw new Error(`${name} answered HTTP ${reply.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Starts import-history for these entities and waits until each completes. */
export async function importAndWait(
  server: FunctionsServer,
  sql: Sql,
  entities: string[],
  options: { restart?: boolean; onPoll?: () => void; timeoutMs?: number } = {},
): Promise<{ importId: string; ms: number }> {
  const started = performance.now();
  const reply = await invoke(server, "import-history", {
    entities,
    ...(options.restart ? { restart: true } : {}),
  });
  const deadline = Date.now() + (options.timeoutMs ?? 900_000);
  while (true) {
    const rows = await sql<{ entity: string; import_status: string; last_error: string | null }[]>`
      select entity, import_status, last_error from public.sync_state
      where entity = any(${entities}::text[])`;
    options.onPoll?.();
    const failed = rows.find((r) => r.import_status === "failed");
    if (failed) throw new Error(`The import of ${failed.entity} failed: ${failed.last_error}`);
    if (rows.length === entities.length && rows.every((r) => r.import_status === "completed")) {
      return { importId: reply.import_id, ms: performance.now() - started };
    }
    if (Date.now() > deadline) throw new Error(`The import of ${entities.join(", ")} timed out`);
    await sleep(100);
  }
}

export async function importRunTotals(sql: Sql, importId: string) {
  const rows = await sql<
    { entity: string; pages: number; requests: number; rate_limited: number }[]
  >`
    select entity, sum(pages)::int as pages, sum(requests)::int as requests,
      sum(rate_limited)::int as rate_limited
    from public.sync_log where import_id = ${importId}::uuid group by entity order by entity`;
  return rows;
}

export async function countRows(sql: Sql, table: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: string }[]>(`select count(*) as n from public.${table}`);
  return Number(row.n);
}
