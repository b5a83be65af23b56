// The local transaction pooler: PgBouncer started and stopped by the project, in transaction
// mode, never opening more server connections than its ceiling.
import assert from "node:assert/strict";
import postgres from "postgres";
import { connectTestDatabase, testDatabaseUrl } from "../testing/database.ts";
import { freePort } from "../testing/functions_process.ts";
import {
  type PoolerInstance,
  poolerInstanceNamed,
  poolerTransactions,
  poolerUrl,
  removePooler,
  startPooler,
  stopPooler,
} from "./pooler.ts";

/** A pooler of its own in front of the test database, on a free port, removed afterwards. */
async function withPooler(
  options: { poolSize: number; maxServerConnections: number },
  fn: (instance: PoolerInstance) => Promise<void>,
) {
  const server = new URL(testDatabaseUrl);
  const instance = poolerInstanceNamed("pgbouncer-test", freePort(), {
    ...options,
    server: { host: server.hostname, port: Number(server.port) },
    password: decodeURIComponent(server.password),
  });
  try {
    assert.equal(await startPooler(instance), "started");
    await fn(instance);
  } finally {
    await removePooler(instance);
  }
  // Removed means stopped: nothing listens there any more.
  await assert.rejects(Deno.connect({ hostname: instance.host, port: instance.port }));
}

function client(url: string, applicationName: string) {
  return postgres(url, {
    max: 1,
    prepare: false,
    onnotice: () => {},
    connection: { application_name: applicationName },
  });
}

Deno.test("the pooler is started once, reused, and stopped", async () => {
  await withPooler({ poolSize: 1, maxServerConnections: 1 }, async (instance) => {
    assert.equal(await startPooler(instance), "already running");
    assert.equal(await stopPooler(instance), "stopped");
    await assert.rejects(Deno.connect({ hostname: instance.host, port: instance.port }));
    assert.equal(await stopPooler(instance), "not running");
    assert.equal(await startPooler(instance), "started");
  });
});

Deno.test("the pooler hands one server connection to client after client, per transaction", async () => {
  await withPooler({ poolSize: 1, maxServerConnections: 1 }, async (instance) => {
    const first = client(poolerUrl(instance), "pooler-test-first");
    const second = client(poolerUrl(instance), "pooler-test-second");
    try {
      // Both clients stay connected; in session mode the second would wait for the first to
      // leave. In transaction mode both run on the pool's only server connection.
      const [a] = await first<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const [b] = await second<{ pid: number }[]>`select pg_backend_pid() as pid`;
      assert.equal(a.pid, b.pid);
      // Each client's tracked settings follow it to whichever server connection it gets.
      const [name] = await first<
        { app: string }[]
      >`select current_setting('application_name') as app`;
      assert.equal(name.app, "pooler-test-first");
      assert.ok(await poolerTransactions(instance) >= 3);
    } finally {
      await first.end({ timeout: 1 });
      await second.end({ timeout: 1 });
    }
  });
});

Deno.test("the pooler never opens more server connections than its ceiling", async () => {
  const tag = `pooler-ceiling-${crypto.randomUUID().slice(0, 8)}`;
  const direct = await connectTestDatabase({ max: 1 });
  await withPooler({ poolSize: 2, maxServerConnections: 2 }, async (instance) => {
    const clients = Array.from({ length: 6 }, () => client(poolerUrl(instance), tag));
    let sampling = true;
    let most = 0;
    const sampler = (async () => {
      while (sampling) {
        const [{ n }] = await direct<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where application_name = ${tag}`;
        most = Math.max(most, n);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      const started = performance.now();
      await Promise.all(clients.map((sql) => sql`select pg_sleep(0.2)`));
      // Six 0.2 s queries over two server connections take three turns.
      assert.ok(performance.now() - started >= 550, "the clients did not take turns");
    } finally {
      sampling = false;
      await sampler;
      await Promise.all(clients.map((sql) => sql.end({ timeout: 1 })));
    }
    assert.equal(most, 2);
  });
  await direct.end({ timeout: 5 });
});

Deno.test("the pooler asks clients for the password, as the cluster behind it does", async () => {
  await withPooler({ poolSize: 1, maxServerConnections: 1 }, async (instance) => {
    const url = new URL(poolerUrl(instance));
    url.password = "not-the-password";
    const wrong = client(url.href, "pooler-test-wrong-password");
    try {
      await assert.rejects(wrong`select 1`, /password authentication failed|SASL authentication/);
    } finally {
      await wrong.end();
    }
    const right = client(poolerUrl(instance), "pooler-test-password");
    try {
      assert.deepEqual([...await right`select 1 as one`], [{ one: 1 }]);
    } finally {
      await right.end();
    }
  });
});
