// One iteration of pg_net's worker loop (src/worker.c), in ONE transaction as pg_net runs it:
// delete expired responses, take up to batchSize queued requests, send them all concurrently
// (each with its own timeout), insert each response as it finishes, and commit only when every
// request of the batch is done. So other sessions see the batch's responses (and its queue rows
// gone) all together, when the slowest request is done, and until then they still see the rows
// in net.http_request_queue, locked.
import type postgres from "postgres";
import { type QueuedRequest, type RecordedResponse, sendQueuedRequest } from "./net_worker_http.ts";

type Sql = postgres.Sql;
type Transaction = postgres.TransactionSql;

export interface BatchSettings {
  batchSize: number;
  /** pg_net.ttl: responses older than this interval are deleted. */
  responseTtl: string;
  /** Local only: take just the requests whose URL starts with this (null: all). */
  urlPrefix: string | null;
}

export interface BatchOutcome {
  /** Requests taken from the queue (and answered) in this iteration. */
  consumed: number;
  /** Expired responses deleted in this iteration. */
  expired: number;
}

/**
 * Runs one iteration. If recording a response fails, the transaction rolls back as pg_net's
 * does when its worker errors: the batch's requests return to the queue and are sent again.
 */
export async function runBatch(
  sql: Sql,
  settings: BatchSettings,
  log: (line: string) => void,
): Promise<BatchOutcome> {
  const started = performance.now();
  const outcome = await sql.begin(async (tx) => {
    const expired = await deleteExpiredResponses(tx, settings);
    const rows = await consumeRequestQueue(tx, settings);
    const results = await Promise.allSettled(rows.map((row) => sendAndRecord(tx, row, log)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
    return { consumed: rows.length, expired };
  });
  if (outcome.consumed > 1) {
    log(
      `net batch of ${outcome.consumed} committed: its responses are visible now, ` +
        `${Math.round(performance.now() - started)} ms after it was taken`,
    );
  }
  return outcome;
}

/** pg_net's delete_expired_responses: the oldest first, at most batchSize of them. */
async function deleteExpiredResponses(tx: Transaction, settings: BatchSettings): Promise<number> {
  const result = await tx`
    with rows as (
      select ctid from net._http_response
      where created < now() - ${settings.responseTtl}::interval
      order by created
      limit ${settings.batchSize}
    )
    delete from net._http_response as r using rows where r.ctid = rows.ctid`;
  return result.count;
}

/**
 * pg_net's consume_request_queue: delete ... returning, ordered by id, no SKIP LOCKED. The URL
 * filter is not pg_net's (it has one worker for everything): locally functions:serve's worker
 * takes only the calls addressed to its own API, so it never takes a request a test's own worker
 * is waiting to send.
 */
async function consumeRequestQueue(
  tx: Transaction,
  settings: BatchSettings,
): Promise<QueuedRequest[]> {
  return await tx<QueuedRequest[]>`
    with rows as (
      select id from net.http_request_queue
      where ${settings.urlPrefix}::text is null or starts_with(url, ${settings.urlPrefix}::text)
      order by id
      limit ${settings.batchSize}
    )
    delete from net.http_request_queue as q using rows where q.id = rows.id
    returning q.id, q.method, q.url, q.headers, q.body, q.timeout_milliseconds`;
}

/** Logs method, URL and outcome only: headers and bodies carry the sync secret. */
async function sendAndRecord(
  tx: Transaction,
  row: QueuedRequest,
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  const response = await sendQueuedRequest(row);
  await insertResponse(tx, row.id, response);
  const outcome = response.status_code ?? (response.timed_out ? "timed out" : response.error_msg);
  log(
    `net ${row.id}: ${row.method.toUpperCase()} ${row.url} -> ${outcome} ` +
      `(${Math.round(performance.now() - started)} ms)`,
  );
}

async function insertResponse(
  tx: Transaction,
  id: QueuedRequest["id"],
  response: RecordedResponse,
): Promise<void> {
  await tx`
    insert into net._http_response
      (id, status_code, content_type, headers, content, timed_out, error_msg)
    values (
      ${String(id)}::bigint, ${response.status_code}, ${response.content_type},
      ${response.headers === null ? null : JSON.stringify(response.headers)}::text::jsonb,
      ${response.content}, ${response.timed_out}, ${response.error_msg}
    )`;
}
