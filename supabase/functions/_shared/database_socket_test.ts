import assert from "node:assert/strict";
import net from "node:net";
import { connectWithoutDelay } from "./database_socket.ts";

/** A TCP listener that accepts connections and counts them. */
function startListener() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) accepted.push(conn);
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    accepted,
    close() {
      for (const conn of accepted) conn.close();
      listener.close();
    },
  };
}

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("the database socket is connected with Nagle's algorithm off", async () => {
  const listener = startListener();
  const calls: unknown[] = [];
  const original = net.Socket.prototype.setNoDelay;
  net.Socket.prototype.setNoDelay = function (this: net.Socket, ...args) {
    calls.push(args[0]);
    return original.apply(this, args);
  };
  try {
    const socket = await connectWithoutDelay({ host: ["127.0.0.1"], port: [listener.port] });
    assert.equal(socket.remotePort, listener.port);
    assert.deepEqual(calls, [true]);
    socket.destroy();
  } finally {
    net.Socket.prototype.setNoDelay = original;
    listener.close();
  }
});

Deno.test("the database socket tries the URL's hosts in order until one answers", async () => {
  const listener = startListener();
  try {
    const socket = await connectWithoutDelay({
      host: ["127.0.0.1", "127.0.0.1"],
      port: [closedPort(), listener.port],
    });
    assert.equal(socket.remotePort, listener.port);
    socket.destroy();
  } finally {
    listener.close();
  }
});

Deno.test("a database nobody listens at is a connection error that names where", async () => {
  const port = closedPort();
  await assert.rejects(
    connectWithoutDelay({ host: ["127.0.0.1"], port: [port], connect_timeout: 5 }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "ECONNREFUSED");
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      return true;
    },
  );
});
