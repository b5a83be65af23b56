// deno task bench: the sync engine against the physical limit, in one run (README "Benchmark").
// A and B (bench/ingest_phase.ts): ingest of a large store with the rate limit out of the way,
// then a no-change incremental sync. D (bench/replay_phase.ts): repeated imports of pre-fetched
// pages for CPU's median and spread, and ingest beside PostgreSQL's COPY. C
// (bench/rate_phase.ts): a rate-bound full import against the sliding window's exact bound, and a
// naive baseline. E (bench/freshness_phase.ts): freshness with webhooks on under a steady stream
// of sales, and with webhooks lost. `--only freshness` (or a comma-separated list of ingest,
// replay, rate, freshness) runs some of them, in that order.
//
// On a durable cluster (fsync, synchronous_commit, full_page_writes on, like Supabase's) unless
// --fast-cluster. A run with no options writes bench/results/<date>.json and .md and the README's
// figures; a run with options writes <date>-fast-cluster or <date>-custom files and leaves the
// README alone. A later run of the same name that day adds -2, -3, ... (bench/results_files.ts).
import { parseArgs } from "node:util";
import { resetSyncData } from "../dev/testing/database.ts";
import { repoRoot } from "../dev/paths.ts";
import type { ScaleOption } from "../simulator/mod.ts";
import { createDatabase, type Sql } from "../supabase/functions/_shared/database.ts";
import { phaseFreshness } from "./freshness_phase.ts";
import { phaseIngest } from "./ingest_phase.ts";
import { type BenchPhase, benchPhases, selectedPhases } from "./phases.ts";
import { benchDatabaseUrl, startBenchDatabase, stopBenchDatabase } from "./isolated_db.ts";
import { log, seconds } from "./log.ts";
import { phaseRateBound } from "./rate_phase.ts";
import { phaseReplay } from "./replay_phase.ts";
import { writeReadmeBlock } from "./readme_block.ts";
import {
  type BenchResults,
  checkTargets,
  commitLabel,
  type MeasuredResults,
  renderMarkdown,
  renderReadmeBlock,
  verdict,
} from "./report.ts";
import { freeResultsName, resultsBaseName } from "./results_files.ts";
import { cpuModel, measuredCommit } from "./run_info.ts";
import { REAL_LATENCY } from "./stack.ts";

const options = Deno.args[0] === "--" ? Deno.args.slice(1) : Deno.args;
const { values: args } = parseArgs({
  args: options,
  options: {
    "fast-cluster": { type: "boolean", default: false },
    "ingest-scale": { type: "string", default: "large" },
    "rate-scale": { type: "string", default: "medium" },
    // Pages of 30 make the medium store need about six windows' worth of requests, so the
    // sliding window's free first window is a small part of the import's time. x10 (30 s
    // windows) keeps the import rate-bound: the sales are paged one after another, and a page's
    // write is not time-scaled, so at x20 one page every ~45 ms (the write, not the limit's
    // 23 a second) set the pace and the figure measured the machine, not the pacing.
    "rate-time-scale": { type: "string", default: "10" },
    "rate-page-size": { type: "string", default: "30" },
    "skip-naive": { type: "boolean", default: false },
    // Phase D: imports of a smaller store's sales from memory, for a median and its spread.
    "replay-sales": { type: "string", default: "15000" },
    repeats: { type: "string", default: "5" },
    only: { type: "string", default: benchPhases.join(",") },
    // Phase E: 30 sales one every 2 s, a minute of stream.
    "freshness-sales": { type: "string", default: "30" },
    "freshness-lost-rounds": { type: "string", default: "20" },
    out: { type: "string", default: `${repoRoot}bench/results` },
  },
  strict: true,
});

const scaleOf = (raw: string): ScaleOption =>
  /^\d+$/.test(raw) ? { sales: Number(raw) } : raw as ScaleOption;

/** The phases --only names, in the order A/B, D, C, E whatever order it names them in. */
async function measurePhases(sql: Sql, only: Set<BenchPhase>) {
  const ingest = only.has("ingest")
    ? await phaseIngest(sql, scaleOf(args["ingest-scale"]))
    : undefined;
  const replay = only.has("replay")
    ? await phaseReplay(sql, { sales: Number(args["replay-sales"]), repeats: Number(args.repeats) })
    : undefined;
  const rate = only.has("rate")
    ? await phaseRateBound(sql, {
      scale: scaleOf(args["rate-scale"]),
      timeScale: Number(args["rate-time-scale"]),
      pageSize: Number(args["rate-page-size"]),
      skipNaive: args["skip-naive"],
    })
    : undefined;
  const freshness = only.has("freshness")
    ? await phaseFreshness(sql, {
      sales: Number(args["freshness-sales"]),
      lostRounds: Number(args["freshness-lost-rounds"]),
    })
    : undefined;
  return { ingest, replay, rate, freshness };
}

async function measure(started: number): Promise<MeasuredResults> {
  const only = selectedPhases(args.only);
  const loadAtStart = Deno.loadavg()[0];
  const commit = await measuredCommit();
  const cluster = await startBenchDatabase({ durable: !args["fast-cluster"] });
  log(`Measuring ${commit.sha}${commit.dirty ? " (dirty: uncommitted changes)" : ""}`);
  log(
    `Cluster: fsync ${cluster.fsync}, synchronous_commit ${cluster.synchronousCommit}, ` +
      `full_page_writes ${cluster.fullPageWrites}`,
  );
  const sql = createDatabase(benchDatabaseUrl, { max: 2 });
  try {
    const { ingest, replay, rate, freshness } = await measurePhases(sql, only);
    await resetSyncData(sql);
    return {
      date: new Date().toISOString(),
      commit,
      options,
      cluster,
      machine: {
        cpus: navigator.hardwareConcurrency,
        cpu: cpuModel(),
        deno: Deno.version.deno,
        loadAverage: { start: loadAtStart, end: Deno.loadavg()[0] },
      },
      latencyModel: {
        ...REAL_LATENCY,
        note: "per request / per record, divided by the time scale",
      },
      ingest,
      replay,
      rate,
      freshness,
      benchSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await stopBenchDatabase();
  }
}

async function writeResults(results: BenchResults): Promise<void> {
  await Deno.mkdir(args.out, { recursive: true });
  const name = await freeResultsName(args.out, resultsBaseName(results.date.slice(0, 10), options));
  await Deno.writeTextFile(`${args.out}/${name}.json`, JSON.stringify(results, null, 2) + "\n");
  await Deno.writeTextFile(`${args.out}/${name}.md`, renderMarkdown(results));
  log(`Wrote ${args.out}/${name}.json and ${name}.md`);
  if (options.length === 0) {
    await writeReadmeBlock(renderReadmeBlock(results));
    log("Rewrote the README's benchmark figures");
  } else {
    log("The README's figures are left alone: they are a run with no options");
  }
}

if (import.meta.main) {
  const started = performance.now();
  log("deno task bench: the sync engine against Lightspeed's rate limit");
  log("(on its own PostgreSQL cluster, 127.0.0.1:54342, stopped again at the end)");
  const measured = await measure(started);
  const results: BenchResults = { ...measured, targets: checkTargets(measured) };
  log(`\n${renderMarkdown(results)}`);
  log(`Targets (${commitLabel(results)}):`);
  for (const [name, check] of Object.entries(results.targets)) {
    if (!check) continue;
    log(
      `  ${name}: ${check.measured.toFixed(3)} ${check.comparison} ${check.target}: ${
        verdict(check)
      }`,
    );
  }
  await writeResults(results);
  log(`Whole benchmark: ${seconds(results.benchSeconds * 1000)}`);
}
