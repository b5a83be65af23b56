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
}

// Which of a URL's hosts each connection attempt takes, in turn, as postgres.js itself does.
const nextHost = new WeakMap<SocketTarget, number>();

/**
 * A socket that is connecting, with Nagle's algorithm off. It is returned before it connects,
 * as postgres.js's own is: its writes wait for the connection, and a failure to connect is
 * its `error` and `close` events, which postgres.js handles as for its own socket (failing
 * the waiting queries, closing the connection, connecting afresh next time). A socket handed
 * over only once connected would leave postgres.js nothing to hear a refusal by: a pooled
 * connection then stays "connecting" for good (seen: a database restart hung every query).
 * postgres.js's connect_timeout still applies.
 */
export function connectWithoutDelay(target: SocketTarget): net.Socket {
  if (target.path) return net.connect({ path: target.path });
  const index = nextHost.get(target) ?? 0;
  nextHost.set(target, (index + 1) % Math.max(1, target.host.length));
  const socket = net.connect({
    host: target.host[index],
    port: target.port[index] ?? target.port[0] ?? 5432,
    noDelay: true,
  });
  socket.once("connect", () => socket.setNoDelay(true));
  return socket;
}
