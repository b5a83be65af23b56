// Phase C of the benchmark (README "Benchmark"): a rate-bound full import. A 1-register store
// whose import needs about six windows' worth of requests, time-scaled: wall time against the
// sliding window's exact bound, at Lightspeed's limit and at the share the engine allows itself,
// with where the time went (before the first request, between the first and the last, after the
// last; requests in each window); then the same import by a naive baseline.
import { resetSyncData, syncedTables } from "../dev/testing/database.ts";
import type { RunningSimulator, ScaleOption } from "../simulator/mod.ts";
import { createDatabase, type Sql } from "../supabase/functions/_shared/database.ts";
import {
  allowedRule,
  defaultRateSafety,
  lightspeedRule,
  type RateRule,
  requestsNeeded,
  requestsNeededForRecords,
  slidingWindowBoundMs,
  timeline,
} from "./bounds.ts";
import { benchDatabaseUrl } from "./isolated_db.ts";
import { int, log, seconds } from "./log.ts";
import { naiveImport } from "./naive.ts";
import type { RateResults } from "./report.ts";
import { countRows, importAndWait, importRunTotals, startFunctions, startStore } from "./stack.ts";

type Rate = RateResults;

export interface RatePhaseOptions {
  scale: ScaleOption;
  timeScale: number;
  pageSize: number;
  skipNaive: boolean;
}

const entities = ["outlets", "registers", "customers", "products", "sales", "inventory"];

export async function phaseRateBound(sql: Sql, options: RatePhaseOptions): Promise<Rate> {
  const { scale, timeScale, pageSize } = options;
  const registers = 1;
  const rule = lightspeedRule(registers, timeScale);
  const safety = defaultRateSafety;
  const engineRule = { ...allowedRule(rule, safety), safety };
  log(
    `\nC. Rate-bound full import: store ${JSON.stringify(scale)}, ${registers} register, ` +
      `pages of ${pageSize}, rule ${rule.limit} requests per ${seconds(rule.windowMs)} ` +
      `(5 minutes time-scaled x${timeScale}), the engine allowing itself ${engineRule.limit}`,
  );
  const store = await startStore({ scale, registers, timeScale });
  try {
    const engine = await engineImport(sql, store, options, rule, engineRule);
    const naive = options.skipNaive ? null : await naiveBaseline(sql, store, pageSize, engine);
    return { store: { scale, registers, timeScale, pageSize }, rule, engineRule, engine, naive };
  } finally {
    await store.stop();
  }
}

async function engineImport(
  sql: Sql,
  store: RunningSimulator,
  options: RatePhaseOptions,
  rule: RateRule,
  engineRule: Rate["engineRule"],
): Promise<Rate["engine"]> {
  await resetSyncData(sql);
  // The engine learns the register count from the store (one /registers request).
  const functions = await startFunctions(store, options.timeScale, {
    LIGHTSPEED_PAGE_SIZE: String(options.pageSize),
    LIGHTSPEED_RATE_SAFETY: String(engineRule.safety),
  });
  try {
    const requestsBefore = store.state.stats.requests;
    const arrivals = recordArrivals(store);
    const started = performance.now();
    const { importId, ms } = await importAndWait(functions, sql, entities);
    arrivals.stop();
    const runs = await importRunTotals(sql, importId);
    const needed = requestsNeededFromStore(store, options.pageSize);
    const { rateLimited, violations } = store.state.stats;
    const exactBoundMs = slidingWindowBoundMs(needed, rule);
    const allowedBoundMs = slidingWindowBoundMs(needed, engineRule);
    const engine = {
      ms,
      requestsNeeded: needed,
      requestsByEnginePages: requestsNeeded(runs.map((r) => r.pages)),
      requestsMade: store.state.stats.requests - requestsBefore,
      rows: await countAllRows(sql),
      rateLimited,
      violations,
      exactBoundMs,
      allowedBoundMs,
      wallToExactBoundRatio: ms / exactBoundMs,
      wallToAllowedBoundRatio: ms / allowedBoundMs,
      ...timeline(arrivals.times, started, ms, rule.windowMs),
    };
    log(
      `   engine: ${seconds(ms)} for ${needed} requests needed (${engine.requestsMade} made, ` +
        `${rateLimited} 429s, ${violations} over the limit); exact bound ` +
        `${seconds(exactBoundMs)} -> ratio ${engine.wallToExactBoundRatio.toFixed(3)}; at the ` +
        `engine's ${engineRule.limit} per window ${seconds(allowedBoundMs)} -> ratio ` +
        engine.wallToAllowedBoundRatio.toFixed(3),
    );
    return engine;
  } finally {
    await functions.stop();
  }
}

/** When the simulator let each request in, on this process's clock, until stop(). */
function recordArrivals(store: RunningSimulator): { times: number[]; stop(): void } {
  const limiter = store.state.limiter;
  const tryAcquire = limiter.tryAcquire;
  const times: number[] = [];
  limiter.tryAcquire = function () {
    const decision = tryAcquire.call(this);
    if (decision.allowed) times.push(performance.now());
    return decision;
  };
  return { times, stop: () => void (limiter.tryAcquire = tryAcquire) };
}

/**
 * Counted from the source: every listed record (deleted ones too, the engine asks for them) in
 * pages of the size the engine was given (sales are capped at 500).
 */
function requestsNeededFromStore(store: RunningSimulator, pageSize: number): number {
  const summary = store.store.summary();
  return requestsNeededForRecords(
    entities.map((entity) => ({
      records: summary.entities[entity as keyof typeof summary.entities].records,
      pageSize: entity === "sales" ? Math.min(500, pageSize) : pageSize,
    })),
  );
}

/** Rows in every synced table, to check the baseline did the same work as the engine. */
async function countAllRows(sql: Sql): Promise<number> {
  let total = 0;
  for (const table of syncedTables) total += await countRows(sql, table);
  return total;
}

async function naiveBaseline(
  sql: Sql,
  store: RunningSimulator,
  pageSize: number,
  engine: Rate["engine"],
): Promise<NonNullable<Rate["naive"]>> {
  await resetSyncData(sql);
  // A fresh window for the baseline: the engine's requests must not slow it down.
  await fetch(`${store.controlUrl}/rate-limit/reset`, { method: "POST" }).then((r) =>
    r.body?.cancel()
  );
  const naiveSql = createDatabase(benchDatabaseUrl, { max: 1 });
  let naive;
  try {
    naive = await naiveImport(naiveSql, store.apiBaseUrl, store.token, pageSize);
  } finally {
    await naiveSql.end({ timeout: 5 });
  }
  log(
    `   naive baseline: ${seconds(naive.ms)}, ${naive.requests} requests (${naive.rateLimited} ` +
      `429s), ${int(naive.rows)} rows -> ${(naive.ms / engine.ms).toFixed(2)} x the engine`,
  );
  const naiveRows = await countAllRows(sql);
  if (naiveRows !== engine.rows) {
    throw new Error(`The naive baseline landed ${naiveRows} rows, the engine ${engine.rows}`);
  }
  return naive;
}
