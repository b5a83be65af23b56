// Phase D of the benchmark (README "Benchmark"): the sales of a store imported again and again
// from pages held in memory, the simulator out of the loop, into fresh tables of the durable
// cluster; then PostgreSQL's own COPY of the same rows into the same tables, as often.
// - CPU per 1,000 sales: the median and spread of the repeated imports, each run with V8's
//   collections counted and the machine's CPU split by who used it, to say where a spread
//   comes from. One more import, the recording one, is served by the simulator on the same
//   cores.
// - Ingest: rows per second of the imports beside COPY's, as a ratio.
import { resetSyncData } from "../dev/testing/database.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { copyBaseline } from "./copy_baseline.ts";
import { emptyGcTotals, gcSince, type GcTotals } from "./gc_trace.ts";
import { benchPostmasterPid } from "./isolated_db.ts";
import { int, log, seconds } from "./log.ts";
import { startCpuShares } from "./machine_cpu.ts";
import { startPageReplay } from "./page_replay.ts";
import { WorkerThreadsCpu } from "./proc_stats.ts";
import type { ReplayResults, ReplayRun } from "./replay_results.ts";
import { spreadOf } from "./spread.ts";
import {
  countRows,
  type FunctionsServer,
  importAndWait,
  startFunctions,
  startStore,
} from "./stack.ts";

const timeScale = 200;
const registers = 3;
export const salesTables = [
  "lightspeed_sales",
  "lightspeed_sale_line_items",
  "lightspeed_sale_payments",
] as const;

export async function phaseReplay(
  sql: Sql,
  options: { sales: number; repeats: number },
): Promise<ReplayResults> {
  log(
    `\nD. Sales of a ${int(options.sales)}-sale store imported ${options.repeats} times from ` +
      "pages in memory, then COPY of the same rows as often; fresh tables each time",
  );
  const store = await startStore({ scale: { sales: options.sales }, registers, timeScale });
  const replay = startPageReplay(store.apiBaseUrl);
  const gc = emptyGcTotals();
  let functions: FunctionsServer | null = null;
  let storeRunning = true;
  try {
    functions = await startFunctions(
      store,
      timeScale,
      {
        LIGHTSPEED_API_BASE_URL: replay.apiBaseUrl,
        LIGHTSPEED_REGISTER_COUNT: String(registers),
      },
      [],
      { gcTotals: gc },
    );
    const recorded = await measuredImport(functions, sql, gc, "recording, simulator serving");
    await store.stop();
    storeRunning = false;
    replay.replay();
    log(`   ${replay.pages} pages held in memory, ${(replay.bytes / 1e6).toFixed(0)} MB`);
    const runs: ReplayRun[] = [];
    for (let i = 1; i <= options.repeats; i++) {
      runs.push(await measuredImport(functions, sql, gc, `import ${i} of ${options.repeats}`));
    }
    const copy = await copyBaseline(sql, salesTables, options.repeats);
    return summarise(recorded, runs, copy, replay.bytes);
  } finally {
    await functions?.stop();
    await replay.stop();
    if (storeRunning) await store.stop();
  }
}

/** One import of the sales into fresh tables, with its CPU, collections and machine shares. */
async function measuredImport(
  functions: FunctionsServer,
  sql: Sql,
  gc: GcTotals,
  label: string,
): Promise<ReplayRun> {
  await resetSyncData(sql);
  // Each run starts with no dirty pages to write back, so none pays for an earlier one's.
  await sql`checkpoint`;
  const shares = startCpuShares(functions.pid, benchPostmasterPid());
  const workers = new WorkerThreadsCpu(functions.pid);
  const gcBefore = { ...gc };
  const { ms } = await importAndWait(functions, sql, ["sales"], { onPoll: () => workers.sample() });
  const cpu = shares();
  const run: ReplayRun = {
    ms,
    sales: await countRows(sql, "lightspeed_sales"),
    rows: await countSalesRows(sql),
    cpu,
    workerThreadsCpuMs: workers.usedMs(),
    workerThreads: workers.threadsUsed(),
    gc: gcSince(gc, gcBefore),
  };
  const per1000 = 1000 / run.sales;
  log(
    `   ${label}: ${seconds(ms)}, ${int(run.rows / (ms / 1000))} rows/s, functions CPU ` +
      `${(cpu.functionsMs * per1000).toFixed(0)} ms per 1,000 sales (isolates ` +
      `${(run.workerThreadsCpuMs * per1000).toFixed(0)}, GC pauses ` +
      `${((run.gc.scavengeMs + run.gc.markCompactMs) * per1000).toFixed(1)}), other work on ` +
      `the machine ${int(cpu.otherMs)} ms`,
  );
  return run;
}

export async function countSalesRows(sql: Sql): Promise<number> {
  let total = 0;
  for (const table of salesTables) total += await countRows(sql, table);
  return total;
}

function summarise(
  recorded: ReplayRun,
  runs: ReplayRun[],
  copy: ReplayResults["copy"],
  pageBytes: number,
): ReplayResults {
  const { sales, rows } = runs[0];
  if (runs.some((run) => run.rows !== rows) || recorded.rows !== rows) {
    throw new Error(`The imports landed different rows: ${[recorded, ...runs].map((r) => r.rows)}`);
  }
  const per1000 = (ms: number) => ms / (sales / 1000);
  const ingest = spreadOf(runs.map((run) => rows / (run.ms / 1000)));
  const copyRate = spreadOf(copy.map((run) => rows / (run.ms / 1000)));
  return {
    sales,
    rows,
    pageBytes,
    recorded,
    runs,
    copy,
    cpuMsPer1000Sales: spreadOf(runs.map((run) => per1000(run.cpu.functionsMs))),
    workerThreadsCpuMsPer1000Sales: spreadOf(runs.map((run) => per1000(run.workerThreadsCpuMs))),
    gcPauseMsPer1000Sales: spreadOf(
      runs.map((run) => per1000(run.gc.scavengeMs + run.gc.markCompactMs)),
    ),
    ingestRowsPerSecond: ingest,
    copyRowsPerSecond: copyRate,
    ingestToCopyRatio: ingest.median / copyRate.median,
  };
}
