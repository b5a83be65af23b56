// Phase E's rows of the report (bench/freshness_phase.ts): freshness with webhooks on under a
// steady stream of sales, and what the next scheduled pass leaves when webhooks are lost.
import type { LostWebhooks, StreamFreshness } from "../dev/testing/freshness.ts";
import { type BenchResults, type Row, targetRow } from "./report.ts";

export interface FreshnessResults {
  store: { scale: unknown; registers: number; timeScale: number; minIntervalMs: number };
  webhooksOn: StreamFreshness;
  webhooksLost: Omit<LostWebhooks, "mismatches"> & { dropRate: number };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const int = (n: number) => Math.round(n).toLocaleString("en-US");

export function freshnessRows(f: FreshnessResults, targets: BenchResults["targets"]): Row[] {
  const { webhooksOn: on, webhooksLost: lost } = f;
  const stream = `a sale every ${s(on.intervalMs)} across ${f.store.registers} registers, ` +
    `webhooks on`;
  return [
    targetRow(
      `Freshness p50: store change to committed row (${stream})`,
      s(on.p50Ms),
      targets.freshnessP50Seconds,
      " s",
    ),
    targetRow(
      "… p95",
      `${s(on.p95Ms)} (slowest ${s(on.maxMs)})`,
      targets.freshnessP95Seconds,
      " s",
    ),
    targetRow(
      "Lightspeed requests per change, webhooks on",
      `${on.requestsPerChange.toFixed(2)} (${on.requests} for ${on.sales} sales)`,
      targets.requestsPerChange,
    ),
    targetRow(
      `Differences with the store after the next scheduled pass, ${lost.dropRate * 100} % of ` +
        "webhooks lost",
      `${lost.differencesAfterPoll} (${lost.dropped} of ${lost.events} deliveries lost; ` +
        `${lost.differencesBeforePoll} before the pass; ${int(lost.rowsCompared)} rows compared)`,
      targets.differencesAfterPoll,
    ),
  ];
}

export function freshnessNote(f: FreshnessResults): string {
  const { webhooksOn: on, webhooksLost: lost } = f;
  return `- Freshness: ${JSON.stringify(f.store.scale)} store, ${f.store.registers} registers, ` +
    `real time (x${f.store.timeScale}: each Lightspeed request takes the full latency), ` +
    `sale.update registered with lightspeed-webhook, the default minimum interval between ` +
    `webhook passes (${s(f.store.minIntervalMs)}); ${on.sales} sales one every ` +
    `${s(on.intervalMs)}, each timed from its creation in the simulator until its row is ` +
    `committed (polled every 100 ms); requests counted until the last webhook pass ended, ` +
    `${on.violations} over the limit. Then a store losing ${lost.dropRate * 100} % of its ` +
    `webhooks: ${lost.changes} changes (voids and new sales), the webhook passes, the next ` +
    `scheduled pass of sales, and every sale, line item and payment compared with the store.`;
}
