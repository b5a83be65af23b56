// The shape of phase D's figures in bench/results/<date>.json (bench/replay_phase.ts).
import type { GcTotals } from "./gc_trace.ts";
import type { CpuShares } from "./machine_cpu.ts";
import type { Spread } from "./spread.ts";

/** One import of the sales into fresh tables. */
export interface ReplayRun {
  ms: number;
  sales: number;
  /** Sales, line items and payments landed. */
  rows: number;
  /** CPU of the functions, this process, PostgreSQL and other work, during the import. */
  cpu: CpuShares;
  /** The function workers' isolate threads (a lower bound, see proc_stats.ts). */
  workerThreadsCpuMs: number;
  /** Worker threads that ran: each one compiles the code afresh. */
  workerThreads?: number;
  /** V8's collections in the functions' isolates and their pauses. */
  gc: GcTotals;
}

export interface ReplayResults {
  sales: number;
  rows: number;
  /** Bytes of the recorded pages served from memory. */
  pageBytes: number;
  /** The import that recorded the pages, with the simulator serving them on the same cores. */
  recorded: ReplayRun;
  /** The imports from memory. */
  runs: ReplayRun[];
  /** PostgreSQL's COPY of the same rows into fresh tables, once per import. */
  copy: { ms: number; postgresMs?: number }[];
  cpuMsPer1000Sales: Spread;
  workerThreadsCpuMsPer1000Sales: Spread;
  gcPauseMsPer1000Sales: Spread;
  ingestRowsPerSecond: Spread;
  copyRowsPerSecond: Spread;
  /** Median ingest rate ÷ median COPY rate. */
  ingestToCopyRatio: number;
}
