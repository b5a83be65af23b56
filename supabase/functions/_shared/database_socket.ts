// The database connection's socket, opened as libpq opens it: with TCP_NODELAY. postgres.js
// leaves Nagle's algorithm on, and then a small message written right after a large one (the
// CopyDone after a page's bytes, sync/page_reply.ts) waits for the server's delayed ACK:
// about 40 ms per page, measured, more than the page's whole landing on the server.
import net from "node:net";

/** What postgres.js passes to its `socket` option: its parsed connection settings. */
export interface SocketTarget {
  host: string[];
  port: number[];
  /** A Unix socket's path, when the host is a directory. */
  path?: string | false;
  /** Seconds, postgres.js's connect_timeout. */
  connect_timeout?: number;
}

/**
 * Connects to the first host that answers, in the order the URL lists them (as postgres.js
 * does itself), with Nagle's algorithm off. Rejects after connect_timeout per host.
 */
export async function connectWithoutDelay(target: SocketTarget): Promise<net.Socket> {
  const timeoutMs = (target.connect_timeout ?? 30) * 1000;
  if (target.path) return await connectOne({ path: target.path }, timeoutMs);
  let lastError: unknown = new Error("no database host to connect to");
  for (const [index, host] of target.host.entries()) {
    const port = target.port[index] ?? target.port[0] ?? 5432;
    try {
      return await connectOne({ host, port }, timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function connectOne(
  options: net.NetConnectOpts,
  timeoutMs: number,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options);
    const timer = setTimeout(() => {
      socket.destroy();
      const where = "path" in options ? options.path : `${options.host}:${options.port}`;
      reject(new Error(`could not connect to the database at ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeListener("error", reject);
      if ("host" in options) socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
