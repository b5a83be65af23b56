// Phase D's rows of the report (bench/replay_phase.ts): CPU per 1,000 sales as the median of
// repeated imports with its spread, ingest beside COPY, and each import's breakdown.
import type { ReplayResults, ReplayRun } from "./replay_results.ts";
import { type BenchResults, type Row, targetRow } from "./report.ts";
import type { Spread } from "./spread.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const fixed = (n: number, digits = 0) => n.toFixed(digits);

/** "52 ms (48–61 ms)": the median, then the lowest and highest. */
function spreadMs(spread: Spread, digits = 0): string {
  return `${fixed(spread.median, digits)} ms (${fixed(spread.min, digits)}–` +
    `${fixed(spread.max, digits)} ms)`;
}

export function replayCpuRows(r: BenchResults, replay: ReplayResults): Row[] {
  const imports = `${replay.runs.length} imports of ${
    int(replay.sales)
  } sales from pre-fetched pages`;
  return [
    targetRow(
      `Functions CPU per 1,000 sales (with line items and payments), median (min–max) of ${imports}`,
      spreadMs(replay.cpuMsPer1000Sales),
      r.targets.cpuMsPer1000Sales,
      " ms",
    ),
    targetRow(
      "… of which the function workers' isolate threads (at least)",
      spreadMs(replay.workerThreadsCpuMsPer1000Sales),
      r.targets.workerThreadsCpuMsPer1000Sales,
      " ms",
    ),
    [
      "… of which garbage collection pauses of the isolates (V8 --trace-gc)",
      spreadMs(replay.gcPauseMsPer1000Sales, 1),
      "",
      "",
    ],
    [
      "… the recording import, the simulator serving the pages on the same cores",
      `${fixed(perThousand(replay.recorded, replay.recorded.cpu.functionsMs))} ms`,
      "",
      "",
    ],
    ...(r.ingest ? [largeStoreCpuRow(r.ingest.cpuMsPer1000Sales)] : []),
  ];
}

/** Phase A's one import beside the median, when the run had phase A. */
function largeStoreCpuRow(cpuMsPer1000Sales: number): Row {
  return [
    "… the large store's import below (one run, the simulator on the same cores)",
    `${fixed(cpuMsPer1000Sales)} ms`,
    "",
    "",
  ];
}

const perThousand = (run: ReplayRun, ms: number) => ms / (run.sales / 1000);

export function replayIngestRow(r: BenchResults, replay: ReplayResults): Row {
  const figure = "Database ingest of pre-fetched sales pages (with line items and payments) ÷ " +
    "PostgreSQL's COPY of the same rows into the same tables, medians";
  const measured =
    `${fixed(replay.ingestToCopyRatio, 2)} (${int(replay.ingestRowsPerSecond.median)} rows/s, ${
      int(replay.ingestRowsPerSecond.min)
    }–${int(replay.ingestRowsPerSecond.max)}; ` +
    `COPY ${int(replay.copyRowsPerSecond.median)} rows/s, ${int(replay.copyRowsPerSecond.min)}–` +
    `${int(replay.copyRowsPerSecond.max)})`;
  return targetRow(figure, measured, r.targets.ingestToCopyRatio);
}

export function replayNotes(replay: ReplayResults): string {
  return `- CPU and ingest, repeated: the sales of a store of ${int(replay.sales)} sales ` +
    `(${int(replay.rows)} rows with line items and payments, ${
      fixed(replay.pageBytes / 1e6)
    } MB of pages) imported ${replay.runs.length} times into fresh (truncated) tables from pages ` +
    `recorded once and served from memory (no latency, no rate limit, the simulator stopped), ` +
    `each import from a checkpoint; then COPY FROM of the rows those imports landed into the same ` +
    `tables, emptied, as many times, in one transaction. CPU is the \`functions:serve\` ` +
    `process's; per import below, the machine's CPU is split into the functions, the bench ` +
    `process (page replay, polling), PostgreSQL and everything else on the machine.`;
}

/** Each import of phase D: what its CPU figure was made of, to read a spread from. */
export function replayRunsTable(replay: ReplayResults): string {
  const header = [
    "import",
    "wall",
    "rows/s",
    "functions CPU / 1,000 sales",
    "isolates (workers)",
    "GC pauses (count)",
    "PostgreSQL CPU",
    "bench process CPU",
    "other work on the machine",
  ];
  const line = (label: string, run: ReplayRun) => [
    label,
    `${fixed(run.ms / 1000, 1)} s`,
    int(run.rows / (run.ms / 1000)),
    `${fixed(perThousand(run, run.cpu.functionsMs))} ms`,
    `${fixed(perThousand(run, run.workerThreadsCpuMs))} ms (${run.workerThreads ?? "?"})`,
    `${fixed(perThousand(run, run.gc.scavengeMs + run.gc.markCompactMs), 1)} ms (${
      run.gc.scavenges + run.gc.markCompacts
    })`,
    `${int(run.cpu.postgresMs)} ms`,
    `${int(run.cpu.benchMs)} ms`,
    `${int(run.cpu.otherMs)} ms`,
  ];
  const copyLine = (copy: ReplayResults["copy"][number], i: number) => [
    `COPY ${i + 1}`,
    `${fixed(copy.ms / 1000, 1)} s`,
    int(replay.rows / (copy.ms / 1000)),
    "",
    "",
    "",
    copy.postgresMs === undefined ? "" : `${int(copy.postgresMs)} ms`,
    "",
    "",
  ];
  const rows = [
    line("recording (simulator)", replay.recorded),
    ...replay.runs.map((run, i) => line(String(i + 1), run)),
    ...replay.copy.map(copyLine),
  ];
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n") + "\n";
}
