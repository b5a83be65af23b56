// Local stand-in for pg_net's background worker: takes the requests queued in
// net.http_request_queue (after their transaction committed), sends them concurrently with each
// row's timeout, and records every outcome in net._http_response as pg_net does. So in the local
// stack a cron job's net.http_post really starts the local function.
//
//   deno task net:worker            (DATABASE_URL overrides the local database)
//
// Woken by NOTIFY pg_net_local (sent by the queue's trigger at commit), with polling as a
// safety net for a missed notification or a dropped connection. Logs method, URL and outcome;
// never headers or bodies, which carry the sync secret.
import postgres from "postgres";
import { z } from "zod";
import { localDatabaseUrl } from "./paths.ts";
import { type QueuedRequest, type RecordedResponse, sendQueuedRequest } from "./net_worker_http.ts";

export interface NetWorkerOptions {
  databaseUrl: string;
  /** How often to look at the queue without a notification. */
  pollIntervalMs?: number;
  /** Rows taken per claim (pg_net's default batch is 200). */
  batchSize?: number;
  /**
   * Only requests whose URL starts with this are taken; the others stay queued for another
   * worker. functions:serve sends only the calls addressed to its own API this way, so it never
   * takes a request a test's own worker is waiting to send. Default: every request.
   */
  urlPrefix?: string;
  log?: (line: string) => void;
}

export interface NetWorker {
  /** Resolves once LISTEN is active. */
  ready: Promise<void>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Stops taking requests, waits for those in flight, closes the connection. */
  stop(): Promise<void>;
}

const optionsSchema = z.object({
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "a postgresql:// URL"),
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  batchSize: z.number().int().min(1).max(1000).default(200),
  urlPrefix: z.string().min(1).nullable().default(null),
});

/** pg_net keeps responses for 6 hours (pg_net.ttl). */
const responseTtl = "6 hours";

export function startNetWorker(options: NetWorkerOptions): NetWorker {
  const config = optionsSchema.parse(options);
  const log = options.log ?? ((line: string) => console.log(line));
  const sql = postgres(config.databaseUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: "pg_net local worker" },
  });

  let stopped = false;
  let draining: Promise<void> | null = null;
  let wakeAgain = false;
  let lastPrune = 0;
  const inFlight = new Set<Promise<void>>();

  function wake(): void {
    if (stopped) return;
    if (draining) {
      wakeAgain = true;
      return;
    }
    draining = drain()
      .catch((error) => log(`net worker: ${describe(error)}`))
      .finally(() => {
        draining = null;
        if (wakeAgain) {
          wakeAgain = false;
          wake();
        }
      });
  }

  async function drain(): Promise<void> {
    while (!stopped) {
      const rows = await sql<QueuedRequest[]>`
        with taken as (
          select id from net.http_request_queue
          where ${config.urlPrefix}::text is null or starts_with(url, ${config.urlPrefix}::text)
          order by id limit ${config.batchSize}
          for update skip locked
        )
        delete from net.http_request_queue as q using taken where q.id = taken.id
        returning q.id, q.method, q.url, q.headers, q.body, q.timeout_milliseconds`;
      if (rows.length === 0) break;
      for (const row of rows) track(handle(row));
    }
    if (Date.now() - lastPrune > 60_000) {
      lastPrune = Date.now();
      await sql`delete from net._http_response where created < now() - ${responseTtl}::interval`;
    }
  }

  function track(work: Promise<void>): void {
    inFlight.add(work);
    work.finally(() => inFlight.delete(work));
  }

  async function handle(row: QueuedRequest): Promise<void> {
    const started = performance.now();
    const response = await sendQueuedRequest(row);
    try {
      await record(row.id, response);
    } catch (error) {
      log(`net worker: could not record the response to request ${row.id}: ${describe(error)}`);
      return;
    }
    const outcome = response.status_code ?? (response.timed_out ? "timed out" : response.error_msg);
    log(
      `net ${row.id}: ${row.method.toUpperCase()} ${row.url} -> ${outcome} ` +
        `(${Math.round(performance.now() - started)} ms)`,
    );
  }

  async function record(id: QueuedRequest["id"], response: RecordedResponse): Promise<void> {
    await sql`
      insert into net._http_response
        (id, status_code, content_type, headers, content, timed_out, error_msg)
      values (
        ${String(id)}::bigint, ${response.status_code}, ${response.content_type},
        ${response.headers === null ? null : JSON.stringify(response.headers)}::text::jsonb,
        ${response.content}, ${response.timed_out}, ${response.error_msg}
      )`;
  }

  const listening = sql.listen("pg_net_local", () => wake(), () => wake());
  const ready = listening.then(() => undefined);
  const poll = setInterval(wake, config.pollIntervalMs);

  async function idle(): Promise<void> {
    while (draining || inFlight.size > 0) await Promise.allSettled([draining, ...inFlight]);
  }

  return {
    ready,
    idle,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(poll);
      await idle();
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

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

if (import.meta.main) {
  const databaseUrl = Deno.env.get("DATABASE_URL") ?? localDatabaseUrl;
  const worker = startNetWorker({ databaseUrl });
  try {
    await worker.ready;
  } catch (error) {
    console.error(`Cannot listen on ${redactPassword(databaseUrl)}: ${describe(error)}`);
    Deno.exit(1);
  }
  console.log(
    `Local pg_net worker: sending queued net requests from ${redactPassword(databaseUrl)}`,
  );
  const shutdown = async () => {
    await worker.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}
