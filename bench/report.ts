// The benchmark's figures as Markdown, each against its target; whether a target is met is
// computed here from the figures, never asserted by a test (timings vary from run to run).
import { freshnessTargets } from "../dev/testing/freshness.ts";
import type { RateRule } from "./bounds.ts";
import { freshnessNote, type FreshnessResults, freshnessRows } from "./freshness_report.ts";
import type { ReplayResults } from "./replay_results.ts";
import { replayCpuRows, replayIngestRow, replayNotes, replayRunsTable } from "./replay_report.ts";

export const TARGETS = {
  /** Full import wall time ÷ the exact sliding-window bound at Lightspeed's limit. */
  wallToExactBoundRatio: 1.15,
  /** The median of phase D's repeated imports when the run has them. */
  cpuMsPer1000Sales: 30,
  /** Strictly below. */
  peakRssMb: 200,
  noChangeRequests: 10,
  /** The function workers' isolate threads, median of phase D. */
  workerThreadsCpuMsPer1000Sales: 20,
  /** At least: ingest of pre-fetched pages ÷ PostgreSQL's COPY of the same rows. */
  ingestToCopyRatio: 0.5,
  /** Phase E, the issue's targets for webhooks (dev/testing/freshness.ts). */
  freshnessP50Seconds: freshnessTargets.p50Seconds,
  freshnessP95Seconds: freshnessTargets.p95Seconds,
  requestsPerChange: freshnessTargets.requestsPerChange,
  /** With webhooks lost, after the next scheduled pass. */
  differencesAfterPoll: 0,
} as const;

export type TargetName = keyof typeof TARGETS;

export interface TargetCheck {
  measured: number;
  target: number;
  /** "≤" (at most), "<" (strictly below) or "≥" (at least). */
  comparison: "≤" | "<" | "≥";
  met: boolean;
}

export interface BenchResults {
  date: string;
  /** `git rev-parse HEAD` when the run started; dirty: the tree had changes then. */
  commit: { sha: string; dirty: boolean };
  /** The options given to `deno task bench` (none for the run the README shows). */
  options: string[];
  /** The settings the cluster ran with, read back from pg_settings. */
  cluster: { durable: boolean; fsync: string; synchronousCommit: string; fullPageWrites: string };
  machine: {
    cpus: number;
    cpu: string;
    deno: string;
    /** 1-minute load average when the run started and ended: other work on the machine. */
    loadAverage?: { start: number; end: number };
  };
  latencyModel: { baseMs: number; perRecordMs: number; note: string };
  /** Phases A and B; absent when --only left them out. */
  ingest?: IngestResults;
  /** Phase D: repeated imports of pre-fetched pages and COPY (runs since 2026-12-04). */
  replay?: ReplayResults;
  /** Phase C; absent when --only left it out. */
  rate?: RateResults;
  /** Phase E: freshness with webhooks (runs since 2026-12-03, when --only kept it). */
  freshness?: FreshnessResults;
  benchSeconds: number;
  /** Computed by checkTargets from the figures above, for the phases the run measured. */
  targets: Partial<Record<TargetName, TargetCheck>>;
}

export interface IngestResults {
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
  steps: { entities: string[]; ms: number; cpuMs: number; workerThreadsCpuMs: number }[];
  cpuMsPer1000Sales: number;
  /** The function workers' isolate threads alone (a lower bound, see proc_stats.ts). */
  workerThreadsCpuMsPer1000Sales?: number;
  /** Runs before the functions ran in workers recorded the process's main thread instead. */
  mainThreadCpuMsPer1000Sales?: number;
  cpuMsPer1000Customers: number;
  salesIngestRowsPerSecond: number;
  salesImportMs: number;
  peakRssMb: number;
  noChange: { requests: number; ms: number; records: number };
}

export interface RateResults {
  store: { scale: unknown; registers: number; timeScale: number; pageSize: number };
  /** Lightspeed's rule, time-scaled. */
  rule: RateRule;
  /** The rule the engine holds itself to: floor(limit × safety). */
  engineRule: RateRule & { safety: number };
  engine: {
    ms: number;
    requestsNeeded: number;
    requestsByEnginePages: number;
    requestsMade: number;
    rows: number;
    rateLimited: number;
    violations: number;
    /** The sliding window's exact bound at Lightspeed's limit. */
    exactBoundMs: number;
    /** The same bound at the engine's own allowance. */
    allowedBoundMs: number;
    wallToExactBoundRatio: number;
    wallToAllowedBoundRatio: number;
    /** Where the wall time went, in runs since 2026-12-04 (bench/rate_phase.ts). */
    beforeFirstRequestMs?: number;
    firstToLastRequestMs?: number;
    afterLastRequestMs?: number;
    /** Requests the simulator let in during each window from the first request. */
    requestsPerWindow?: number[];
  };
  naive: { ms: number; requests: number; rateLimited: number; rows: number } | null;
}

export type MeasuredResults = Omit<BenchResults, "targets">;

function check(measured: number, target: number, comparison: TargetCheck["comparison"]) {
  const met = comparison === "≤"
    ? measured <= target
    : comparison === "<"
    ? measured < target
    : measured >= target;
  return { measured, target, comparison, met };
}

/** The checks of the phases the run measured; phase D's CPU median replaces the single import's. */
export function checkTargets(r: MeasuredResults): BenchResults["targets"] {
  return {
    ...(r.rate && {
      wallToExactBoundRatio: check(
        r.rate.engine.wallToExactBoundRatio,
        TARGETS.wallToExactBoundRatio,
        "≤",
      ),
    }),
    ...(r.ingest && ingestChecks(r.ingest)),
    ...(r.replay && replayChecks(r.replay)),
    ...(r.freshness && freshnessChecks(r.freshness)),
  };
}

function ingestChecks(ingest: IngestResults): BenchResults["targets"] {
  return {
    cpuMsPer1000Sales: check(ingest.cpuMsPer1000Sales, TARGETS.cpuMsPer1000Sales, "≤"),
    peakRssMb: check(ingest.peakRssMb, TARGETS.peakRssMb, "<"),
    noChangeRequests: check(ingest.noChange.requests, TARGETS.noChangeRequests, "≤"),
  };
}

function replayChecks(replay: ReplayResults): BenchResults["targets"] {
  return {
    cpuMsPer1000Sales: check(replay.cpuMsPer1000Sales.median, TARGETS.cpuMsPer1000Sales, "≤"),
    workerThreadsCpuMsPer1000Sales: check(
      replay.workerThreadsCpuMsPer1000Sales.median,
      TARGETS.workerThreadsCpuMsPer1000Sales,
      "≤",
    ),
    ingestToCopyRatio: check(replay.ingestToCopyRatio, TARGETS.ingestToCopyRatio, "≥"),
  };
}

function freshnessChecks(f: FreshnessResults): BenchResults["targets"] {
  const on = f.webhooksOn;
  return {
    freshnessP50Seconds: check(on.p50Ms / 1000, TARGETS.freshnessP50Seconds, "≤"),
    freshnessP95Seconds: check(on.p95Ms / 1000, TARGETS.freshnessP95Seconds, "≤"),
    requestsPerChange: check(on.requestsPerChange, TARGETS.requestsPerChange, "≤"),
    differencesAfterPoll: check(
      f.webhooksLost.differencesAfterPoll,
      TARGETS.differencesAfterPoll,
      "≤",
    ),
  };
}

/** "met", or how far from the target: above an upper bound, below a lower one. */
export function verdict(c: TargetCheck): string {
  if (c.met) return "met";
  if (c.target === 0) return "**missed**";
  const by = c.comparison === "≥" ? 1 - c.measured / c.target : c.measured / c.target - 1;
  return `**missed** by ${(by * 100).toFixed(0)} %`;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export type Row = [figure: string, measured: string, target: string, verdict: string];

/** A row with its target; without the check (a run that did not compute it) blank cells. */
export function targetRow(figure: string, measured: string, c?: TargetCheck, unit = ""): Row {
  if (!c) return [figure, measured, "", ""];
  return [figure, measured, `${c.comparison} ${c.target}${unit}`, verdict(c)];
}

type Targets = BenchResults["targets"];

function rateRows(rate: RateResults, targets: Targets): Row[] {
  const { rule, engineRule, engine: e } = rate;
  return [
    targetRow(
      "Full import wall time ÷ the sliding window's exact bound (Lightspeed's limit)",
      `${e.wallToExactBoundRatio.toFixed(3)} (${s(e.ms)} vs ${s(e.exactBoundMs)}: ` +
        `${e.requestsNeeded} requests at ${rule.limit} per ${s(rule.windowMs)}, ` +
        `the first ${rule.limit} at once)`,
      targets.wallToExactBoundRatio,
    ),
    [
      `… ÷ the same bound at the rate the engine allows itself (LIGHTSPEED_RATE_SAFETY ` +
      `${engineRule.safety}: ${engineRule.limit} per ${s(engineRule.windowMs)})`,
      `${e.wallToAllowedBoundRatio.toFixed(3)} (${s(e.ms)} vs ${s(e.allowedBoundMs)})`,
      "",
      "",
    ],
  ];
}

/** The isolate threads' share, under the name the run that measured it used. */
function isolateCpuRow(ingest: IngestResults): Row {
  const workers = ingest.workerThreadsCpuMsPer1000Sales;
  if (workers !== undefined) {
    return ["… of which the function workers' isolate threads (at least)", ms(workers), "", ""];
  }
  const main = ingest.mainThreadCpuMsPer1000Sales;
  return ["… of which the main (isolate) thread", main === undefined ? "—" : ms(main), "", ""];
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** One large-store import's CPU rows, the target on them in runs without phase D. */
function singleRunCpuRows(ingest: IngestResults, targets: Targets): Row[] {
  return [
    targetRow(
      "Functions CPU per 1,000 sales (with line items and payments)",
      `${ingest.cpuMsPer1000Sales.toFixed(0)} ms`,
      targets.cpuMsPer1000Sales,
      " ms",
    ),
    isolateCpuRow(ingest),
  ];
}

/** Phases A, B and D: CPU (phase D's median when it ran), ingest, memory, the no-change sync. */
function ingestRows(r: BenchResults): Row[] {
  const { ingest, replay } = r;
  const cpu = replay ? replayCpuRows(r, replay) : ingest ? singleRunCpuRows(ingest, r.targets) : [];
  if (!ingest) return replay ? [...cpu, replayIngestRow(r, replay)] : cpu;
  return [
    ...cpu,
    ["Functions CPU per 1,000 customers", `${ingest.cpuMsPer1000Customers.toFixed(0)} ms`, "", ""],
    ...(replay ? [replayIngestRow(r, replay)] : []),
    ...largeStoreRows(ingest, r.targets, replay !== undefined),
  ];
}

function largeStoreRows(ingest: IngestResults, targets: Targets, afterReplay: boolean): Row[] {
  const rows = ingest.store.sales + ingest.store.lineItems + ingest.store.payments;
  return [
    [
      afterReplay
        ? "… the large store's sales, the simulator generating pages on the same cores"
        : "Database ingest, sales with children",
      `${int(ingest.salesIngestRowsPerSecond)} rows/s (${int(rows)} rows in ${
        s(ingest.salesImportMs)
      })`,
      "",
      "",
    ],
    targetRow(
      `Peak resident memory of the functions${
        ingest.workerThreadsCpuMsPer1000Sales === undefined ? "" : "' process, all its workers"
      } (import of ${int(ingest.store.lineItems)} line items)`,
      `${ingest.peakRssMb.toFixed(0)} MB`,
      targets.peakRssMb,
      " MB",
    ),
    targetRow(
      "No-change incremental sync, five entities",
      `${ingest.noChange.requests} requests, ${s(ingest.noChange.ms)}`,
      targets.noChangeRequests,
      " requests",
    ),
  ];
}

function naiveRow(rate: RateResults): Row {
  const { naive, engine } = rate;
  return [
    "Naive baseline, same import (sequential pages, one INSERT per row, no budget)",
    naive
      ? `${(naive.ms / engine.ms).toFixed(2)} × the engine's time (${s(naive.ms)}, ` +
        `${naive.rateLimited} 429s)`
      : "skipped",
    "",
    "",
  ];
}

/** The figures table of the phases the run measured; the README holds the latest full run's. */
export function renderTable(r: BenchResults): string {
  const rows = [
    ...(r.rate ? rateRows(r.rate, r.targets) : []),
    ...ingestRows(r),
    ...(r.rate ? [naiveRow(r.rate)] : []),
    ...(r.freshness ? freshnessRows(r.freshness, r.targets) : []),
  ];
  return [
    "| figure | measured | target | |",
    "|---|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

export function clusterLabel(r: BenchResults): string {
  return r.cluster.durable
    ? "durable PostgreSQL 15 cluster (fsync, synchronous_commit and full_page_writes on, like " +
      "Supabase's)"
    : "FAST NON-DURABLE PostgreSQL 15 cluster (fsync, synchronous_commit and full_page_writes " +
      "off, --fast-cluster): its database figures are not Supabase's";
}

export function commitLabel(r: BenchResults): string {
  return `commit ${r.commit.sha}${r.commit.dirty ? " dirty (uncommitted changes)" : ""}`;
}

function rateNote(rate: RateResults): string {
  const e = rate.engine;
  return `- Rate-bound import: ${JSON.stringify(rate.store.scale)} store, ` +
    `${rate.store.registers} register, pages of ${rate.store.pageSize}, Lightspeed's rule ` +
    `time-scaled x${rate.store.timeScale}; ${e.requestsNeeded} requests needed (counted from ` +
    `the store's records: full pages plus each entity's empty last page), ${e.requestsMade} ` +
    `made, ${e.rateLimited} answered 429, ${e.violations} sent over the limit; ${int(e.rows)} ` +
    `rows landed. The exact bound is the time from the first request to the last (request k ` +
    `goes at floor(k ÷ limit) windows); the wall time also holds the last page's reply and write.${
      rateTimeline(e)
    }`;
}

/** Where the rate-bound import's time went, for runs that recorded it. */
function rateTimeline(e: RateResults["engine"]): string {
  if (e.firstToLastRequestMs === undefined) return "";
  return ` From the first request to the last ${s(e.firstToLastRequestMs)} (the bound ` +
    `${s(e.exactBoundMs)}), before the first ${s(e.beforeFirstRequestMs ?? 0)}, after the last ` +
    `${s(e.afterLastRequestMs ?? 0)}; requests in each window from the first: ` +
    `${(e.requestsPerWindow ?? []).join(", ")}.`;
}

function ingestNote(ingest: IngestResults): string {
  const store = ingest.store;
  return `- Ingest, CPU and memory: ${JSON.stringify(store.scale)} store (${int(store.sales)} ` +
    `sales, ${int(store.lineItems)} line items, ${int(store.payments)} payments, ` +
    `${int(store.customers)} customers), rate limit time-scaled x${store.timeScale} (out of the ` +
    `way), imported entity by entity; CPU is utime+stime of the \`functions:serve\` process ` +
    `from /proc, which runs each function in a worker thread that retires at half its wall ` +
    `clock (docs/interface.md); the isolate threads' share is sampled every 100 ms.`;
}

/** What was run, under the table. */
export function renderNotes(r: BenchResults): string {
  const notes = [
    ...(r.rate ? [rateNote(r.rate)] : []),
    ...(r.ingest ? [ingestNote(r.ingest)] : []),
    ...(r.replay ? [replayNotes(r.replay)] : []),
    ...(r.freshness ? [freshnessNote(r.freshness)] : []),
    `- Whole benchmark: ${(r.benchSeconds / 60).toFixed(1)} minutes${
      r.options.length > 0 ? `, options ${r.options.join(" ")}` : ""
    }.`,
  ];
  return `${notes.join("\n")}\n`;
}

/** bench/results/<date>.md: one run, its setting and its figures. */
export function renderMarkdown(r: BenchResults): string {
  return `### Benchmark (${r.date.slice(0, 10)}, ${commitLabel(r)})

${r.machine.cpus} CPUs (${r.machine.cpu}), Deno ${r.machine.deno}, ${clusterLabel(r)}${
    loadLabel(r)
  }.
Simulator latency ${r.latencyModel.baseMs} ms per request + ${r.latencyModel.perRecordMs} ms per
record, divided by the time scale like the rate-limit window.

${renderTable(r)}

${renderNotes(r)}${r.replay ? `\n${replayRunsTable(r.replay)}\n` : ""}`;
}

/** The machine's load when the run started and ended, for runs that recorded it. */
function loadLabel(r: BenchResults): string {
  const load = r.machine.loadAverage;
  if (!load) return "";
  return `; load average ${load.start.toFixed(2)} at the start, ${load.end.toFixed(2)} at the end`;
}

/** The README's part between its bench markers. */
export function renderReadmeBlock(r: BenchResults): string {
  return `Latest run (${r.date.slice(0, 10)}, ${commitLabel(r)}, ${r.machine.cpus} × ` +
    `${r.machine.cpu}, Deno ${r.machine.deno}, ${clusterLabel(r)}${loadLabel(r)}):

${renderTable(r)}

${renderNotes(r)}`;
}
