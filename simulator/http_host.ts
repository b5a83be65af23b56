import http from "node:http";
import type { AddressInfo } from "node:net";
import { CONNECTION_RESET, type HandlerResult } from "./api_handler.ts";

export type Handler = (request: Request, remoteAddress: string) => Promise<HandlerResult>;

export interface HttpHost {
  port: number;
  /** Drops idle keep-alive connections, so the next request arrives on a fresh one. */
  closeIdleConnections(): void;
  close(): Promise<void>;
}

export interface HostOptions {
  hostname: string;
  port: number;
  handler: Handler;
  /** While true, replies carry `connection: close` (see `reset` faults). */
  avoidKeepAlive: () => boolean;
}

/**
 * Serves a fetch-style handler over node:http. Deno.serve cannot drop a connection
 * without first sending a status line, and the `reset` fault needs exactly that: a
 * client must see a network error with no response at all.
 *
 * HTTP clients (Deno's fetch among them) silently resend a request once when a *reused*
 * keep-alive connection dies before answering, which would hide a reset. So while
 * resets are pending the host stops keeping connections alive, and a reset always hits a
 * fresh connection, whose failure the client does report.
 */
export async function listen(options: HostOptions): Promise<HttpHost> {
  const { hostname, port, handler, avoidKeepAlive } = options;
  const server = http.createServer((incoming, outgoing) => {
    serveOne(incoming, outgoing, handler, hostname, server, avoidKeepAlive).catch((error) => {
      console.error("Simulator request failed", error);
      if (!outgoing.headersSent) outgoing.writeHead(500, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ error: "Internal Server Error", message: String(error) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    closeIdleConnections: () => server.closeIdleConnections(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serveOne(
  incoming: http.IncomingMessage,
  outgoing: http.ServerResponse,
  handler: Handler,
  hostname: string,
  server: http.Server,
  avoidKeepAlive: () => boolean,
): Promise<void> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Uint8Array);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = incoming.method ?? "GET";
  const port = (server.address() as AddressInfo).port;
  const request = new Request(`http://${hostname}:${port}${incoming.url ?? "/"}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" || chunks.length === 0 ? undefined : concat(chunks),
  });
  const result = await handler(request, incoming.socket.remoteAddress ?? "");
  if (result === CONNECTION_RESET) {
    incoming.socket.destroy();
    return;
  }
  const responseHeaders: Record<string, string> = {};
  result.headers.forEach((value, name) => (responseHeaders[name] = value));
  // Decided after handling, so the reply that queues a reset already closes its connection.
  if (avoidKeepAlive()) responseHeaders.connection = "close";
  outgoing.writeHead(result.status, responseHeaders);
  if (result.body) {
    for await (const chunk of result.body) {
      // A client that stops reading (e.g. at its size cap) closes the connection: stop too.
      if (outgoing.destroyed) break;
      if (!outgoing.write(chunk)) await drainedOrClosed(outgoing);
    }
  }
  outgoing.end();
}

function drainedOrClosed(outgoing: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off("drain", done);
      outgoing.off("close", done);
      resolve();
    };
    outgoing.on("drain", done);
    outgoing.on("close", done);
  });
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
