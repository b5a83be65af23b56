// Local stand-in for pg_net's background worker (supabase/pg_net, src/worker.c), as strict as the
// real one: it takes up to batchSize queued requests in ONE transaction, sends them concurrently
// (each with its own timeout), and commits their responses together when the slowest is done;
// then it pauses about a second before the next batch, as long as the last one found work, and
// otherwise sleeps until woken. So in the local stack a cron job's net.http_post really starts
// the local function, with pg_net's delays. README ("The local stack") lists what it reproduces.
//
//   deno task net:worker    (DATABASE_URL overrides the local database; PG_NET_BATCH_SIZE and
//                            PG_NET_TTL play pg_net.batch_size and pg_net.ttl)
//
// Woken by NOTIFY pg_net_local (sent by the queue's trigger at commit, when pg_net's net.wake()
// fires), and, unlike pg_net, also by a poll: a safety net for a notification missed while the
// listening connection was down. Logs method, URL and outcome; never headers or bodies, which
// carry the sync secret.
import postgres from "postgres";
import { z } from "zod";
import { localDatabaseUrl } from "./paths.ts";
import { printableUrl } from "./db/local_password.ts";
import { runBatch } from "./net_worker_batch.ts";
import { createWakeSignal } from "./net_worker_wake.ts";

export interface NetWorkerOptions {
  databaseUrl: string;
  /** How often to look at the queue without a notification. */
  pollIntervalMs?: number;
  /** pg_net.batch_size: requests taken, sent and committed together (default 200). */
  batchSize?: number;
  /** The pause after an iteration that found work (pg_net waits 1000 ms on its latch). */
  batchPauseMs?: number;
  /** pg_net.ttl: responses older than this interval are deleted (default '6 hours'). */
  responseTtl?: string;
  /**
   * Only requests whose URL starts with this are taken; the others stay queued for another
   * worker. Not pg_net's (it sends everything): functions:serve sends only the calls addressed to
   * its own API this way, so it never takes a request a test's own worker is waiting to send.
   * Default: every request.
   */
  urlPrefix?: string;
  log?: (line: string) => void;
}

export interface NetWorker {
  /** Resolves once LISTEN is active. */
  ready: Promise<void>;
  /** Resolves when the worker sleeps until the next wake: no batch in flight or due. */
  idle(): Promise<void>;
  /** Stops taking requests, waits for the batch in flight and commits it, closes the connection. */
  stop(): Promise<void>;
}

const optionsSchema = z.object({
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "a postgresql:// URL"),
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  // pg_net.batch_size's upper bound is PG_INT16_MAX.
  batchSize: z.number().int().min(1).max(32_767).default(200),
  batchPauseMs: z.number().int().min(0).max(60_000).default(1000),
  responseTtl: z.string().min(1).default("6 hours"),
  urlPrefix: z.string().min(1).nullable().default(null),
});

export function startNetWorker(options: NetWorkerOptions): NetWorker {
  const config = optionsSchema.parse(options);
  const log = options.log ?? ((line: string) => console.log(line));
  const sql = postgres(config.databaseUrl, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: "pg_net local worker" },
  });
  const wake = createWakeSignal();
  let stopped = false;

  /** pg_net's outer loop: sleep until woken, then run iterations while they find work. */
  async function run(): Promise<void> {
    while (!stopped) {
      await wake.next();
      while (!stopped && await iterate()) await wake.pause(config.batchPauseMs);
    }
  }

  /** One batch; true when it consumed requests or deleted expired responses. */
  async function iterate(): Promise<boolean> {
    try {
      const { consumed, expired } = await runBatch(sql, config, log);
      return consumed > 0 || expired > 0;
    } catch (error) {
      log(`net worker: batch rolled back, its requests stay queued: ${describe(error)}`);
      return false;
    }
  }

  const listening = sql.listen("pg_net_local", wake.fire, wake.fire);
  const ready = listening.then(() => undefined);
  // Like pg_net's worker, which starts awake: rows queued before start are taken at once.
  const running = ready.then(run, () => {});
  const poll = setInterval(wake.fire, config.pollIntervalMs);

  return {
    ready,
    idle: () => wake.asleep(running),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      wake.interrupt();
      await running;
      try {
        await (await listening).unlisten();
      } catch {
        // The connection may already be gone; closing it below is all that is left.
      }
      await sql.end({ timeout: 5 });
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** PG_NET_BATCH_SIZE, in pg_net.batch_size's range (our minimum is 1: 0 would send nothing). */
function batchSizeFromEnv(): number | undefined {
  const value = Deno.env.get("PG_NET_BATCH_SIZE")?.trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 32_767) {
    console.error(`PG_NET_BATCH_SIZE must be a whole number from 1 to 32767, got ${value}`);
    Deno.exit(1);
  }
  return Number(value);
}

if (import.meta.main) {
  const databaseUrl = Deno.env.get("DATABASE_URL") ?? localDatabaseUrl;
  const worker = startNetWorker({
    databaseUrl,
    batchSize: batchSizeFromEnv(),
    responseTtl: Deno.env.get("PG_NET_TTL")?.trim() || undefined,
  });
  try {
    await worker.ready;
  } catch (error) {
    console.error(`Cannot listen on ${printableUrl(databaseUrl)}: ${describe(error)}`);
    Deno.exit(1);
  }
  console.log(
    `Local pg_net worker: sending queued net requests from ${printableUrl(databaseUrl)}`,
  );
  const shutdown = async () => {
    await worker.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}
