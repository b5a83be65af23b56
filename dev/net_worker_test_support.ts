// Shared by the net worker and scheduler tests: a real HTTP server on a free port that records
// what it received, and waiting for rows pg_net's stand-in writes.
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { connectTestDatabase, testDatabaseUrl } from "./testing/database.ts";

export type { Sql };
export { testDatabaseUrl };

/** The shared local test database; fails loudly when it is not running. */
export function connect(options: { max?: number } = {}): Promise<Sql> {
  return connectTestDatabase(options);
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

export interface StubServer {
  url: string;
  port: number;
  received: ReceivedRequest[];
  stop(): Promise<void>;
}

/** Answers every request with `respond` (default: 200 {"ok": true}) and records it. */
export function startStubServer(
  respond: (request: ReceivedRequest) => Response | Promise<Response> = () =>
    Response.json({ ok: true }),
  options: { port?: number } = {},
): StubServer {
  const received: ReceivedRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
    async (request) => {
      const entry = {
        method: request.method,
        path: new URL(request.url).pathname,
        headers: request.headers,
        body: await request.text(),
      };
      received.push(entry);
      return await respond(entry);
    },
  );
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    stop: () => server.shutdown(),
  };
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ResponseRow {
  id: string;
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean | null;
  error_msg: string | null;
}

export function waitForResponse(sql: Sql, requestId: string | number): Promise<ResponseRow> {
  return waitFor(`the response to net request ${requestId}`, async () => {
    const [row] = await sql<ResponseRow[]>`
      select id::text, status_code, content_type, headers, content, timed_out, error_msg
      from net._http_response where id = ${String(requestId)}::bigint`;
    return row;
  });
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** What another session sees of some requests at one moment (one statement, one snapshot). */
export interface RequestsSnapshot {
  /** performance.now() when the answer came back. */
  at: number;
  queued: number;
  answered: number;
}

export interface RequestsWatch {
  /** Stops sampling (again: no harm); resolves with every snapshot taken, oldest first. */
  stop(): Promise<RequestsSnapshot[]>;
}

/** Samples, from `sql`'s own connection, how many of `ids` are still queued and answered. */
export function watchRequests(sql: Sql, ids: string[], everyMs = 15): RequestsWatch {
  const snapshots: RequestsSnapshot[] = [];
  let watching = true;
  const sample = async () => {
    const [row] = await sql<{ queued: number; answered: number }[]>`
      select
        (select count(*)::int from net.http_request_queue where id = any(${ids}::bigint[]))
          as queued,
        (select count(*)::int from net._http_response where id = any(${ids}::bigint[]))
          as answered`;
    snapshots.push({ at: performance.now(), ...row });
  };
  const sampling = (async () => {
    while (watching) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  let stopping: Promise<RequestsSnapshot[]> | null = null;
  return {
    stop() {
      watching = false;
      // One last look, so what happened just before stop() is seen too.
      stopping ??= sampling.then(sample).then(() => snapshots);
      return stopping;
    },
  };
}
