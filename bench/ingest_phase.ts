// Phases A and B of the benchmark (README "Benchmark").
// A. Ingest: a large simulated store, the rate limit time-scaled out of the way (x200), imported
//    entity by entity through the real functions in their own process: CPU per 1,000 sales and
//    customers, database ingest rate, peak resident memory.
// B. No-change incremental sync of five entities right after A: requests, time.
import { resetSyncData } from "../dev/testing/database.ts";
import type { RunningSimulator, ScaleOption } from "../simulator/mod.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { int, log, seconds } from "./log.ts";
import { readCpuMs, readStatusKb, WorkerThreadsCpu } from "./proc_stats.ts";
import type { IngestResults } from "./report.ts";
import {
  countRows,
  type FunctionsServer,
  importAndWait,
  invoke,
  startFunctions,
  startStore,
} from "./stack.ts";

type IngestStep = IngestResults["steps"][number];

const timeScale = 200;
const registers = 3;

export async function phaseIngest(sql: Sql, scale: ScaleOption): Promise<IngestResults> {
  log(
    `\nA. Ingest: store ${JSON.stringify(scale)}, ${registers} registers, time scale x${timeScale}`,
  );
  const built = performance.now();
  const store = await startStore({ scale, registers, timeScale });
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
  try {
    const { steps, peakRssMb } = await importEntityByEntity(functions, sql);
    const sales = await countRows(sql, "lightspeed_sales");
    const lineItems = await countRows(sql, "lightspeed_sale_line_items");
    const payments = await countRows(sql, "lightspeed_sale_payments");
    const customers = await countRows(sql, "lightspeed_customers");
    if (lineItems < 1_000_000) {
      log(`   NOTE: ${int(lineItems)} line items, below the 1,000,000 the memory figure is for`);
    }
    const salesStep = steps.find((s) => s.entities[0] === "sales")!;
    const customersStep = steps.find((s) => s.entities[0] === "customers")!;
    const noChange = await noChangeSync(functions, store);
    return {
      store: {
        scale,
        timeScale,
        registers,
        sales,
        lineItems,
        payments,
        customers,
        simulatorRequests: store.state.stats.requests,
      },
      steps,
      cpuMsPer1000Sales: salesStep.cpuMs / (sales / 1000),
      workerThreadsCpuMsPer1000Sales: salesStep.workerThreadsCpuMs / (sales / 1000),
      cpuMsPer1000Customers: customersStep.cpuMs / (customers / 1000),
      salesIngestRowsPerSecond: (sales + lineItems + payments) / (salesStep.ms / 1000),
      salesImportMs: salesStep.ms,
      peakRssMb,
      noChange,
    };
  } finally {
    await functions.stop();
    await store.stop();
  }
}

/** Imports each entity on its own, with the functions' CPU and peak memory around each. */
async function importEntityByEntity(functions: FunctionsServer, sql: Sql) {
  let peakRssKb = 0;
  const steps: IngestStep[] = [];
  const order = [["outlets", "registers"], ["customers"], ["products"], ["sales"], ["inventory"]];
  for (const entities of order) {
    const cpuBefore = readCpuMs(functions.pid);
    const workers = new WorkerThreadsCpu(functions.pid);
    // Every poll (each 100 ms): memory, and the worker threads' CPU before a worker retires.
    const sample = () => {
      peakRssKb = Math.max(peakRssKb, readStatusKb(functions.pid, "VmRSS"));
      workers.sample();
    };
    const { ms } = await importAndWait(functions, sql, entities, { onPoll: sample });
    const cpuMs = readCpuMs(functions.pid) - cpuBefore;
    const workerThreadsCpuMs = workers.usedMs();
    steps.push({ entities, ms, cpuMs, workerThreadsCpuMs });
    log(`   import ${entities.join("+")}: ${seconds(ms)}, functions CPU ${int(cpuMs)} ms`);
  }
  const hwmKb = readStatusKb(functions.pid, "VmHWM");
  return { steps, peakRssMb: Math.max(hwmKb, peakRssKb) / 1024 };
}

/** B. Nothing changed: one incremental pass over five entities. */
async function noChangeSync(functions: FunctionsServer, store: RunningSimulator) {
  log("\nB. No-change incremental sync of outlets, customers, products, sales, inventory");
  const requestsBefore = store.state.stats.requests;
  const started = performance.now();
  let records = 0;
  for (const entity of ["outlets", "customers", "products", "sales", "inventory"]) {
    let more = true;
    while (more) {
      const reply = await invoke(functions, "sync-entity", { entity });
      if (reply.status === "failed" || reply.status === "skipped") {
        throw new Error(`sync-entity ${entity}: ${reply.status} ${reply.error ?? ""}`);
      }
      records += reply.records;
      more = reply.more;
    }
  }
  const ms = performance.now() - started;
  const requests = store.state.stats.requests - requestsBefore;
  log(`   ${requests} requests, ${records} records, ${seconds(ms)}`);
  return { requests, ms, records };
}
