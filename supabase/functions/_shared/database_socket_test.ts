import assert from "node:assert/strict";
import net from "node:net";
import { closedPort } from "../../../dev/net_worker_test_support.ts";
import { createDatabase } from "./database.ts";
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
    close() {
      for (const conn of accepted) conn.close();
      listener.close();
    },
  };
}

/** Whether the socket connected, or the error it failed with. */
function outcome(socket: net.Socket): Promise<"connected" | Error> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("error", resolve);
  });
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
    const socket = connectWithoutDelay({ host: ["127.0.0.1"], port: [listener.port] });
    assert.equal(await outcome(socket), "connected");
    assert.equal(socket.remotePort, listener.port);
    assert.ok(calls.length > 0 && calls.every((enable) => enable === true), String(calls));
    socket.destroy();
  } finally {
    net.Socket.prototype.setNoDelay = original;
    listener.close();
  }
});

Deno.test("the database socket takes the URL's hosts in turn, one per attempt", async () => {
  const listener = startListener();
  const target = { host: ["127.0.0.1", "127.0.0.1"], port: [closedPort(), listener.port] };
  try {
    const first = connectWithoutDelay(target);
    assert.equal(((await outcome(first)) as Error & { code?: string }).code, "ECONNREFUSED");
    const second = connectWithoutDelay(target);
    assert.equal(await outcome(second), "connected");
    assert.equal(second.remotePort, listener.port);
    second.destroy();
  } finally {
    listener.close();
  }
});

Deno.test("a refused database connection is the socket's error and close, as postgres.js expects", async () => {
  const port = closedPort();
  const socket = connectWithoutDelay({ host: ["127.0.0.1"], port: [port] });
  const closed = new Promise<boolean>((resolve) => socket.once("close", resolve));
  const error = await outcome(socket) as Error & { code?: string };
  assert.equal(error.code, "ECONNREFUSED");
  assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.equal(await closed, true, "closed with an error");
});

Deno.test("a pool whose database refuses connections fails each query, and does not hang", async () => {
  const sql = createDatabase(`postgresql://postgres:x@127.0.0.1:${closedPort()}/postgres`, {
    max: 1,
  });
  try {
    for (let attempt = 1; attempt <= 3; attempt++) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<"hung">((resolve) => timer = setTimeout(resolve, 15_000, "hung"));
      const result = await Promise.race([sql`select 1`.then(() => "answered", (e) => e), hung]);
      clearTimeout(timer);
      assert.equal((result as { code?: string }).code, "ECONNREFUSED", `attempt ${attempt}`);
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
});
