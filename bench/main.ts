// deno task bench: the sync engine against the physical limit, in one run (README § Benchmark).
//
// A. Ingest: a large simulated store (300,000 sales, about 1.35 million line items), the
//    rate limit time-scaled out of the way (x200), imported entity by entity through the real
//    functions in their own process: CPU per 1,000 sales and customers, database ingest rate,
//    peak resident memory.
// B. No-change incremental sync of five entities (outlets, customers, products, sales,
//    inventory) right after A: requests, time.
// C. Rate-bound full import: a 1-register store whose import needs about twice the window's
//    allowance, time-scaled x10: wall time against requests ÷ allowed rate; then the same
//    import by a naive baseline.
import { parseArgs } from "node:util";
import { repoRoot } from "../dev/paths.ts";
import { benchDatabaseUrl, startBenchDatabase, stopBenchDatabase } from "./isolated_db.ts";
import { resetSyncData, syncedTables } from "../dev/testing/database.ts";
import type { ScaleOption } from "../simulator/mod.ts";
import { createDatabase, type Sql } from "../supabase/functions/_shared/database.ts";
import {
  lightspeedRule,
  rateBoundMs,
  requestsNeeded,
  requestsNeededForRecords,
  slidingWindowBoundMs,
} from "./bounds.ts";
import { naiveImport } from "./naive.ts";
import { readCpuMs, readMainThreadCpuMs, readStatusKb } from "./proc_stats.ts";
import { type BenchResults, renderMarkdown, TARGETS } from "./report.ts";
import {
  countRows,
  importAndWait,
  importRunTotals,
  invoke,
  REAL_LATENCY,
  startFunctions,
  startStore,
} from "./stack.ts";

const { values: args } = parseArgs({
  args: Deno.args[0] === "--" ? Deno.args.slice(1) : Deno.args,
  options: {
    "ingest-scale": { type: "string", default: "large" },
    "rate-scale": { type: "string", default: "medium" },
    // Pages of 30 make the medium store need about six windows' worth of requests, so the
    // sliding window's free first window is a small part of the import's time.
    "rate-time-scale": { type: "string", default: "20" },
    "rate-page-size": { type: "string", default: "30" },
    "skip-naive": { type: "boolean", default: false },
    out: { type: "string", default: `${repoRoot}bench/results` },
  },
  strict: true,
});

const scaleOf = (raw: string): ScaleOption =>
  /^\d+$/.test(raw) ? { sales: Number(raw) } : raw as ScaleOption;

const log = (line = "") => console.log(line);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const int = (n: number) => Math.round(n).toLocaleString("en-US");

async function gitRevision(): Promise<string> {
  const run = async (...a: string[]) =>
    new TextDecoder().decode(
      (await new Deno.Command("git", { args: a, cwd: repoRoot, stdout: "piped", stderr: "null" })
        .output()).stdout,
    ).trim();
  const head = await run("rev-parse", "--short", "HEAD");
  // Anything that shapes a figure: the engine, the bench itself, the local runtime's flags.
  const dirty =
    (await run("status", "--porcelain", "supabase", "bench", "dev", "simulator", "deno.json")) !==
      "";
  return dirty ? `${head} + uncommitted changes` : head;
}

function cpuModel(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
  } catch {
    return "?";
  }
}

async function phaseIngest(sql: Sql) {
  const timeScale = 200;
  const scale = scaleOf(args["ingest-scale"]);
  log(`\nA. Ingest: store ${JSON.stringify(scale)}, 3 registers, time scale x${timeScale}`);
  const built = performance.now();
  const store = await startStore({ scale, registers: 3, timeScale });
  const summary = store.store.summary();
  log(
    `   simulator built in ${seconds(performance.now() - built)}: ${
      int(summary.entities.sales.records)
    } sales, ${int(summary.saleLineItems)} line items, ${
      int(summary.entities.customers.records)
    } customers`,
  );
  await resetSyncData(sql);
  const functions = await startFunctions(store, timeScale);
  let peakRssKb = 0;
  const sample = () => {
    peakRssKb = Math.max(peakRssKb, readStatusKb(functions.pid, "VmRSS"));
  };
  const steps: { entities: string[]; ms: number; cpuMs: number; mainThreadCpuMs: number }[] = [];
  try {
    for (
      const entities of [["outlets", "registers"], ["customers"], ["products"], ["sales"], [
        "inventory",
      ]]
    ) {
      const cpuBefore = readCpuMs(functions.pid);
      const mainBefore = readMainThreadCpuMs(functions.pid);
      const { ms } = await importAndWait(functions, sql, entities, { onPoll: sample });
      const cpuMs = readCpuMs(functions.pid) - cpuBefore;
      const mainThreadCpuMs = readMainThreadCpuMs(functions.pid) - mainBefore;
      steps.push({ entities, ms, cpuMs, mainThreadCpuMs });
      log(`   import ${entities.join("+")}: ${seconds(ms)}, functions CPU ${int(cpuMs)} ms`);
    }
    const hwmKb = readStatusKb(functions.pid, "VmHWM");
    const sales = await countRows(sql, "lightspeed_sales");
    const lineItems = await countRows(sql, "lightspeed_sale_line_items");
    const payments = await countRows(sql, "lightspeed_sale_payments");
    const customers = await countRows(sql, "lightspeed_customers");
    if (lineItems < 1_000_000) {
      log(`   NOTE: ${int(lineItems)} line items, below the 1,000,000 the memory figure is for`);
    }
    const salesStep = steps.find((s) => s.entities[0] === "sales")!;
    const customersStep = steps.find((s) => s.entities[0] === "customers")!;

    // B. Nothing changed: one incremental pass over those five entities.
    log("\nB. No-change incremental sync of outlets, customers, products, sales, inventory");
    const requestsBefore = store.state.stats.requests;
    const incStarted = performance.now();
    let incRecords = 0;
    for (const entity of ["outlets", "customers", "products", "sales", "inventory"]) {
      let more = true;
      while (more) {
        const reply = await invoke(functions, "sync-entity", { entity });
        if (reply.status === "failed" || reply.status === "skipped") {
          throw new Error(`sync-entity ${entity}: ${reply.status} ${reply.error ?? ""}`);
        }
        incRecords += reply.records;
        more = reply.more;
      }
    }
    const incMs = performance.now() - incStarted;
    const incRequests = store.state.stats.requests - requestsBefore;
    log(`   ${incRequests} requests, ${incRecords} records, ${seconds(incMs)}`);
    return {
      store: {
        scale,
        timeScale,
        registers: 3,
        sales,
        lineItems,
        payments,
        customers,
        simulatorRequests: store.state.stats.requests,
      },
      steps,
      cpuMsPer1000Sales: salesStep.cpuMs / (sales / 1000),
      mainThreadCpuMsPer1000Sales: salesStep.mainThreadCpuMs / (sales / 1000),
      cpuMsPer1000Customers: customersStep.cpuMs / (customers / 1000),
      salesIngestRowsPerSecond: (sales + lineItems + payments) / (salesStep.ms / 1000),
      salesImportMs: salesStep.ms,
      peakRssMb: Math.max(hwmKb, peakRssKb) / 1024,
      noChange: { requests: incRequests, ms: incMs, records: incRecords },
    };
  } finally {
    await functions.stop();
    await store.stop();
  }
}

/** Rows in every synced table, to check the baseline did the same work as the engine. */
async function countAllRows(sql: Sql): Promise<number> {
  let total = 0;
  for (const table of syncedTables) total += await countRows(sql, table);
  return total;
}

async function phaseRateBound(sql: Sql) {
  const timeScale = Number(args["rate-time-scale"]);
  const registers = 1;
  const pageSize = args["rate-page-size"];
  const scale = scaleOf(args["rate-scale"]);
  const rule = lightspeedRule(registers, timeScale);
  log(
    `\nC. Rate-bound full import: store ${JSON.stringify(scale)}, ${registers} register, ` +
      `pages of ${pageSize}, rule ${rule.limit} requests per ${seconds(rule.windowMs)} ` +
      `(5 minutes time-scaled x${timeScale})`,
  );
  const store = await startStore({ scale, registers, timeScale });
  await resetSyncData(sql);
  // The engine learns the register count from the store (one /registers request).
  const functions = await startFunctions(store, timeScale, { LIGHTSPEED_PAGE_SIZE: pageSize });
  let engine;
  try {
    const entities = ["outlets", "registers", "customers", "products", "sales", "inventory"];
    const requestsBefore = store.state.stats.requests;
    const { importId, ms } = await importAndWait(functions, sql, entities);
    const runs = await importRunTotals(sql, importId);
    const summary = store.store.summary();
    // Counted from the source: every listed record (deleted ones too, the engine asks for them)
    // in pages of the size the engine was given (sales are capped at 500).
    const needed = requestsNeededForRecords(
      entities.map((entity) => ({
        records: summary.entities[entity as keyof typeof summary.entities].records,
        pageSize: entity === "sales" ? Math.min(500, Number(pageSize)) : Number(pageSize),
      })),
    );
    const enginePages = requestsNeeded(runs.map((r) => r.pages));
    const made = store.state.stats.requests - requestsBefore;
    const engineRows = await countAllRows(sql);
    const stats = store.state.stats;
    engine = {
      ms,
      requestsNeeded: needed,
      requestsByEnginePages: enginePages,
      requestsMade: made,
      rows: engineRows,
      rateLimited: stats.rateLimited,
      violations: stats.violations,
      boundMs: rateBoundMs(needed, rule),
      slidingBoundMs: slidingWindowBoundMs(needed, rule),
    };
    log(
      `   engine: ${
        seconds(ms)
      } for ${needed} requests needed (${made} made, ${stats.rateLimited} ` +
        `429s, ${stats.violations} over the limit); bound ${seconds(engine.boundMs)} -> ratio ${
          (ms / engine.boundMs).toFixed(3)
        }; sliding-window bound ${seconds(engine.slidingBoundMs)} -> ratio ${
          (ms / engine.slidingBoundMs).toFixed(3)
        }`,
    );
  } finally {
    await functions.stop();
  }
  let naive = null;
  try {
    if (!args["skip-naive"]) {
      await resetSyncData(sql);
      // A fresh window for the baseline: the engine's requests must not slow it down.
      await fetch(`${store.controlUrl}/rate-limit/reset`, { method: "POST" }).then((r) =>
        r.body?.cancel()
      );
      const naiveSql = createDatabase(benchDatabaseUrl, { max: 1 });
      try {
        naive = await naiveImport(naiveSql, store.apiBaseUrl, store.token, Number(pageSize));
      } finally {
        await naiveSql.end({ timeout: 5 });
      }
      log(
        `   naive baseline: ${
          seconds(naive.ms)
        }, ${naive.requests} requests (${naive.rateLimited} ` +
          `429s), ${int(naive.rows)} rows -> ${(naive.ms / engine.ms).toFixed(2)} x the engine`,
      );
      const naiveRows = await countAllRows(sql);
      if (naiveRows !== engine.rows) {
        throw new Error(`The naive baseline landed ${naiveRows} rows, the engine ${engine.rows}`);
      }
    }
  } finally {
    await store.stop();
  }
  return {
    store: { scale, registers, timeScale, pageSize: Number(pageSize) },
    rule,
    engine,
    naive,
  };
}

if (import.meta.main) {
  const started = performance.now();
  log("deno task bench: the sync engine against Lightspeed's rate limit (issue 7)");
  log("(on its own PostgreSQL cluster, 127.0.0.1:54342, stopped again at the end)");
  await startBenchDatabase();
  const sql = createDatabase(benchDatabaseUrl, { max: 2 });
  try {
    const revision = await gitRevision();
    const ingest = await phaseIngest(sql);
    const rate = await phaseRateBound(sql);
    await resetSyncData(sql);
    const results: BenchResults = {
      date: new Date().toISOString(),
      revision,
      machine: { cpus: navigator.hardwareConcurrency, cpu: cpuModel(), deno: Deno.version.deno },
      latencyModel: {
        ...REAL_LATENCY,
        note: "per request / per record, divided by the time scale",
      },
      ingest,
      rate,
      benchSeconds: (performance.now() - started) / 1000,
      targets: TARGETS,
    };
    const markdown = renderMarkdown(results);
    const day = results.date.slice(0, 10);
    await Deno.mkdir(args.out, { recursive: true });
    await Deno.writeTextFile(`${args.out}/${day}.json`, JSON.stringify(results, null, 2) + "\n");
    await Deno.writeTextFile(`${args.out}/${day}.md`, markdown);
    log(`\n${markdown}`);
    log(`Wrote bench/results/${day}.json and ${day}.md (${seconds(results.benchSeconds * 1000)})`);
  } finally {
    await sql.end({ timeout: 5 });
    await stopBenchDatabase();
  }
}
