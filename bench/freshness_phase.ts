// Phase E of the benchmark (README "Benchmark"): freshness with webhooks on. A demo-sized store
// with 3 registers in one outlet, in real time (time scale 1: 300 ms per Lightspeed request),
// the functions with LIGHTSPEED_WEBHOOK_TOKEN set and sale.update registered: a sale every 2 s,
// the delay from each to its committed row and the Lightspeed requests per sale; then a store
// that loses 20 % of its webhooks, and what the next scheduled pass leaves different.
import { resetSyncData } from "../dev/testing/database.ts";
import {
  measureLostWebhooks,
  measureStreamFreshness,
  registerSaleWebhook,
  type StreamStore,
} from "../dev/testing/freshness.ts";
import type { RunningSimulator } from "../simulator/mod.ts";
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { settings } from "../supabase/functions/_shared/settings.ts";
import { log, seconds } from "./log.ts";
import type { FreshnessResults } from "./freshness_report.ts";
import {
  type FunctionsServer,
  invoke,
  startFunctions,
  startStore,
  type StoreOptions,
} from "./stack.ts";

const webhookToken = "bench-webhook-token-0123456789abcdef";
const store = { scale: "demo", registers: 3, timeScale: 1 } as const;
const intervalMs = 2_000;
const dropRate = 0.2;

export interface FreshnessPhaseOptions {
  /** Sales in the stream, one every 2 s. */
  sales: number;
  /** Rounds of one void and one new sale with webhooks lost. */
  lostRounds: number;
}

export async function phaseFreshness(
  sql: Sql,
  options: FreshnessPhaseOptions,
): Promise<FreshnessResults> {
  log(
    `\nE. Freshness: a sale every ${seconds(intervalMs)} across ${store.registers} registers ` +
      `for ${seconds(options.sales * intervalMs)}, webhooks on, in real time`,
  );
  const webhooksOn = await withWebhookStack(
    sql,
    { seed: 91 },
    async (simulator) =>
      await measureStreamFreshness(sql, streamStoreOf(simulator), {
        sales: options.sales,
        intervalMs,
      }),
  );
  log(
    `   p50 ${seconds(webhooksOn.p50Ms)}, p95 ${seconds(webhooksOn.p95Ms)}, ` +
      `${webhooksOn.requests} Lightspeed requests for ${webhooksOn.sales} sales`,
  );
  log(`   ${dropRate * 100} % of webhooks lost: ${options.lostRounds} voids and new sales`);
  const lost = await withWebhookStack(
    sql,
    { seed: 92, webhooks: { dropRate } },
    async (simulator, functions) =>
      await measureLostWebhooks(
        sql,
        streamStoreOf(simulator),
        options.lostRounds,
        () => invoke(functions, "sync-entity", { entity: "sales", trigger: "schedule" }),
      ),
  );
  const { mismatches: _shownAbove, ...webhooksLost } = lost;
  for (const line of lost.mismatches) log(`   difference: ${line}`);
  log(
    `   ${lost.dropped} of ${lost.events} deliveries lost; differences before the scheduled ` +
      `pass ${lost.differencesBeforePoll}, after it ${lost.differencesAfterPoll}`,
  );
  return {
    store: {
      ...store,
      minIntervalMs: settings.LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS.shape.default,
    },
    webhooksOn,
    webhooksLost: { ...webhooksLost, dropRate },
  };
}

const streamStoreOf = (simulator: RunningSimulator): StreamStore => ({
  apiBaseUrl: simulator.apiBaseUrl,
  token: simulator.token,
  controlUrl: simulator.controlUrl,
});

/** An installed store (registers and sales synced) with sale.update pointing at its functions. */
async function withWebhookStack<T>(
  sql: Sql,
  storeOptions: Pick<StoreOptions, "seed" | "webhooks">,
  run: (simulator: RunningSimulator, functions: FunctionsServer) => Promise<T>,
): Promise<T> {
  await resetSyncData(sql);
  const simulator = await startStore({ ...store, ...storeOptions });
  try {
    const functions = await startFunctions(simulator, store.timeScale, {
      LIGHTSPEED_WEBHOOK_TOKEN: webhookToken,
    });
    try {
      // Registers first, as on an installed store: the rate budget is sized from them.
      for (const entity of ["registers", "sales"]) {
        let reply;
        do {
          reply = await invoke(functions, "sync-entity", { entity });
          if (reply.status !== "completed" && reply.status !== "partial") {
            throw new Error(`sync-entity ${entity}: ${reply.status} ${reply.error ?? ""}`);
          }
        } while (reply.more);
      }
      await registerSaleWebhook(streamStoreOf(simulator), functions.url, webhookToken);
      return await run(simulator, functions);
    } finally {
      await functions.stop();
    }
  } finally {
    await simulator.stop();
  }
}
