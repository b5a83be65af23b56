// Freshness with webhooks on (README § Near-real-time and "Benchmark"), shared by
// supabase/functions/lightspeed-webhook/freshness_test.ts, which asserts the targets, and
// bench/freshness_phase.ts, which reports them: a steady stream of sales in the simulator, its
// sale.update webhooks into lightspeed-webhook, the delay from each sale to its committed row,
// and the Lightspeed requests spent; then, with webhooks lost, what the scheduled poll leaves.
import type { Sql } from "../../supabase/functions/_shared/database.ts";
import { compareWithSource } from "./compare_with_source.ts";
import { simulatorControl } from "./simulator_control.ts";

/** The targets: p50 and p95 from store change to committed row, requests per change. */
export const freshnessTargets = { p50Seconds: 5, p95Seconds: 15, requestsPerChange: 1 } as const;

/** The simulator as the measurement reaches it: its API (for /api/webhooks) and control URLs. */
export interface StreamStore {
  apiBaseUrl: string;
  token: string;
  controlUrl: string;
}

const control = (store: StreamStore, path: string, body?: unknown) =>
  simulatorControl(store.controlUrl, path, body);

/** Registers the function's URL for sale.update through the simulator's /api/webhooks. */
export async function registerSaleWebhook(
  store: StreamStore,
  functionsUrl: string,
  webhookToken: string,
): Promise<void> {
  const url = new URL(`${functionsUrl}/functions/v1/lightspeed-webhook`);
  url.searchParams.set("token", webhookToken);
  url.searchParams.set("type", "sale.update");
  const reply = await fetch(`${store.apiBaseUrl.replace("/2.0", "")}/webhooks`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${store.token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      data: JSON.stringify({ url: url.href, type: "sale.update", active: true }),
    }),
  });
  const text = await reply.text();
  if (reply.status !== 200) throw new Error(`Registering the webhook: ${reply.status} ${text}`);
}

/** The nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One sale every intervalMs; resolves with each sale's delay to its committed row, ascending. */
async function streamSales(sql: Sql, store: StreamStore, count: number, intervalMs: number) {
  const madeAt = new Map<string, number>();
  const delays: number[] = [];
  const watcher = (async () => {
    while (delays.length < count) {
      const waiting = [...madeAt.keys()];
      if (waiting.length > 0) {
        const rows = await sql<{ id: string }[]>`
          select id::text from public.lightspeed_sales where id = any(${waiting}::uuid[])`;
        for (const { id } of rows) {
          delays.push(Date.now() - madeAt.get(id)!);
          madeAt.delete(id);
        }
      }
      await sleep(100);
    }
  })();
  for (let i = 0; i < count; i++) {
    const summary = await control(store, "/mutate", { newSales: 1 });
    madeAt.set(summary.newSales[0], Date.now());
    await sleep(intervalMs);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${madeAt.size} sales never arrived`)), 30_000);
  });
  try {
    await Promise.race([watcher, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return delays.sort((a, b) => a - b);
}

/** Waits until no function instance drives webhook passes (the last pass has ended). */
export async function webhookPassesIdle(sql: Sql, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from sync_private.webhook_passes where driver is not null`;
    if (row.n === 0) return;
    await sleep(200);
  }
  throw new Error("Webhook passes still running");
}

export interface StreamFreshness {
  sales: number;
  intervalMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Lightspeed requests from the first sale until the last webhook pass ended. */
  requests: number;
  requestsPerChange: number;
  /** Requests the simulator saw over its rate limit in that time. */
  violations: number;
}

/** Streams `sales` sales, one every intervalMs, with sale.update registered beforehand. */
export async function measureStreamFreshness(
  sql: Sql,
  store: StreamStore,
  options: { sales: number; intervalMs: number },
): Promise<StreamFreshness> {
  const before = await control(store, "/stats");
  const delays = await streamSales(sql, store, options.sales, options.intervalMs);
  await webhookPassesIdle(sql);
  const after = await control(store, "/stats");
  const requests = after.requests - before.requests;
  return {
    sales: options.sales,
    intervalMs: options.intervalMs,
    p50Ms: percentile(delays, 50),
    p95Ms: percentile(delays, 95),
    maxMs: delays.at(-1)!,
    requests,
    requestsPerChange: requests / options.sales,
    violations: after.violations - before.violations,
  };
}

export interface LostWebhooks {
  changes: number;
  /** Deliveries the simulator lost on purpose, and all it had to make. */
  dropped: number;
  events: number;
  /** Differences with the store once the webhook passes ended, before the scheduled poll. */
  differencesBeforePoll: number;
  /** ... and after the next scheduled pass. */
  differencesAfterPoll: number;
  mismatches: string[];
  rowsCompared: number;
}

/**
 * With webhooks lost (the simulator started with a dropRate): `changes` rounds of one void and
 * one new sale, then the next scheduled pass of sales (`scheduledPass`, retried while a webhook
 * pass holds the entity) and the comparison with the store.
 */
export async function measureLostWebhooks(
  sql: Sql,
  store: StreamStore,
  changes: number,
  scheduledPass: () => Promise<{ status: string }>,
): Promise<LostWebhooks> {
  for (let i = 0; i < changes; i++) await control(store, "/mutate", { voids: 1, newSales: 1 });
  const { stats } = await control(store, "/webhooks/settle", {});
  await webhookPassesIdle(sql);
  const before = await compareWithSource(sql, store.controlUrl, ["sales"]);
  let reply = await scheduledPass();
  for (let attempt = 0; attempt < 50 && reply.status === "skipped"; attempt++) {
    await sleep(200);
    reply = await scheduledPass();
  }
  if (reply.status !== "completed") {
    throw new Error(`The scheduled pass ended ${JSON.stringify(reply)}`);
  }
  const after = await compareWithSource(sql, store.controlUrl, ["sales"]);
  return {
    changes: changes * 2,
    dropped: stats.dropped,
    events: stats.events,
    differencesBeforePoll: before.mismatches.length,
    differencesAfterPoll: after.mismatches.length,
    mismatches: after.mismatches,
    rowsCompared: after.rowsCompared,
  };
}
