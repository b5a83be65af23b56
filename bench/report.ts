// The benchmark's figures as one Markdown table, each against its target.

export const TARGETS = {
  wallToBoundRatio: 1.15,
  cpuMsPer1000Sales: 60,
  peakRssMb: 200,
  noChangeRequests: 10,
} as const;

export interface BenchResults {
  date: string;
  revision: string;
  machine: { cpus: number; cpu: string; deno: string };
  latencyModel: { baseMs: number; perRecordMs: number; note: string };
  ingest: {
    store: {
      scale: unknown;
      timeScale: number;
      registers: number;
      sales: number;
      lineItems: number;
      payments: number;
      customers: number;
      simulatorRequests: number;
    };
    steps: { entities: string[]; ms: number; cpuMs: number; mainThreadCpuMs: number }[];
    cpuMsPer1000Sales: number;
    mainThreadCpuMsPer1000Sales: number;
    cpuMsPer1000Customers: number;
    salesIngestRowsPerSecond: number;
    salesImportMs: number;
    peakRssMb: number;
    noChange: { requests: number; ms: number; records: number };
  };
  rate: {
    store: { scale: unknown; registers: number; timeScale: number; pageSize: number };
    rule: { limit: number; windowMs: number };
    engine: {
      ms: number;
      requestsNeeded: number;
      requestsByEnginePages: number;
      requestsMade: number;
      rows: number;
      rateLimited: number;
      violations: number;
      boundMs: number;
      slidingBoundMs: number;
    };
    naive: { ms: number; requests: number; rateLimited: number; rows: number } | null;
  };
  benchSeconds: number;
  targets: typeof TARGETS;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function verdict(value: number, target: number): string {
  if (value <= target) return "met";
  return `**missed** by ${((value / target - 1) * 100).toFixed(0)} %`;
}

export function renderMarkdown(r: BenchResults): string {
  const { ingest, rate } = r;
  const e = rate.engine;
  const ratio = e.ms / e.boundMs;
  const rows: [string, string, string, string][] = [
    [
      "Full import wall time ÷ rate-limit bound",
      `${ratio.toFixed(3)} (${s(e.ms)} vs ${s(e.boundMs)} = ${e.requestsNeeded} requests ÷ ` +
      `${rate.rule.limit} per ${s(rate.rule.windowMs)})`,
      `≤ ${TARGETS.wallToBoundRatio}`,
      verdict(ratio, TARGETS.wallToBoundRatio),
    ],
    [
      "… against the sliding window's exact bound (first window's requests at once)",
      `${(e.ms / e.slidingBoundMs).toFixed(3)} (${s(e.ms)} vs ${s(e.slidingBoundMs)})`,
      "",
      "",
    ],
    [
      "Functions CPU per 1,000 sales (with line items and payments)",
      `${ingest.cpuMsPer1000Sales.toFixed(0)} ms`,
      `≤ ${TARGETS.cpuMsPer1000Sales} ms`,
      verdict(ingest.cpuMsPer1000Sales, TARGETS.cpuMsPer1000Sales),
    ],
    [
      "… of which the main (isolate) thread",
      `${ingest.mainThreadCpuMsPer1000Sales.toFixed(0)} ms`,
      "",
      "",
    ],
    [
      "Functions CPU per 1,000 customers",
      `${ingest.cpuMsPer1000Customers.toFixed(0)} ms`,
      "",
      "",
    ],
    [
      "Database ingest, sales with children",
      `${int(ingest.salesIngestRowsPerSecond)} rows/s (${
        int(ingest.store.sales + ingest.store.lineItems + ingest.store.payments)
      } rows in ${s(ingest.salesImportMs)})`,
      "",
      "",
    ],
    [
      `Peak resident memory of the functions (import of ${int(ingest.store.lineItems)} line items)`,
      `${ingest.peakRssMb.toFixed(0)} MB`,
      `< ${TARGETS.peakRssMb} MB`,
      verdict(ingest.peakRssMb, TARGETS.peakRssMb - 1e-9),
    ],
    [
      "No-change incremental sync, five entities",
      `${ingest.noChange.requests} requests, ${s(ingest.noChange.ms)}`,
      `≤ ${TARGETS.noChangeRequests} requests`,
      verdict(ingest.noChange.requests, TARGETS.noChangeRequests),
    ],
    [
      "Naive baseline, same import (sequential pages, one INSERT per row, no budget)",
      rate.naive
        ? `${(rate.naive.ms / e.ms).toFixed(2)} × the engine's time (${
          s(rate.naive.ms)
        }, ${rate.naive.rateLimited} 429s)`
        : "skipped",
      "",
      "",
    ],
  ];
  const table = [
    "| figure | measured | target | |",
    "|---|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
  return `### Benchmark (${r.date.slice(0, 10)}, ${r.revision})

${r.machine.cpus} CPUs (${r.machine.cpu}), Deno ${r.machine.deno}, PostgreSQL 15 local. Simulator
latency ${r.latencyModel.baseMs} ms per request + ${r.latencyModel.perRecordMs} ms per record,
divided by the time scale like the rate-limit window.

${table}

- Rate-bound import: ${
    JSON.stringify(rate.store.scale)
  } store, ${rate.store.registers} register, ` +
    `pages of ${rate.store.pageSize}, Lightspeed's rule time-scaled x${rate.store.timeScale}; ` +
    `${e.requestsNeeded} requests needed (counted from the store's records: full pages plus ` +
    `each entity's empty last page), ${e.requestsMade} made, ${e.rateLimited} answered 429, ` +
    `${e.violations} sent over the limit; ${int(e.rows)} rows landed.
- Ingest, CPU and memory: ${JSON.stringify(ingest.store.scale)} store (${
      int(ingest.store.sales)
    } sales, ${int(ingest.store.lineItems)} line items, ${int(ingest.store.payments)} payments, ${
      int(ingest.store.customers)
    } customers), ` +
    `rate limit time-scaled x${ingest.store.timeScale} (out of the way), imported entity by ` +
    `entity; CPU is utime+stime of the \`functions:serve\` process from /proc.
- Whole benchmark: ${(r.benchSeconds / 60).toFixed(1)} minutes.
`;
}
