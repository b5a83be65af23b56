// `deno task invoke` against real HTTP servers: the reply is printed, every failure is one line,
// and the secret never appears in the output.
import assert from "node:assert/strict";
import { closedPort, startStubServer } from "../net_worker_test_support.ts";
import { repoRoot } from "../paths.ts";
import { type InvokeIo, resolveTarget, runInvoke } from "./invoke_function.ts";

const secret = "invoke-test-secret-0123456789";

function capture(env: Record<string, string>, envFile: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: InvokeIo = {
    env,
    envFile,
    envFilePath: "supabase/functions/.env",
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    timeoutMs: 2000,
  };
  return { io, out, err, all: () => [...out, ...err].join("\n") };
}

Deno.test("invoke posts the body with the secret header and prints the JSON reply", async () => {
  const server = startStubServer((request) =>
    Response.json({ entity: JSON.parse(request.body).entity, status: "completed" })
  );
  try {
    const run = capture({ SUPABASE_URL: server.url + "/", SYNC_SECRET: secret });
    const code = await runInvoke(["sync-entity", '{"entity":"sales"}'], run.io);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(run.out.join("\n")), { entity: "sales", status: "completed" });
    const [request] = server.received;
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/functions/v1/sync-entity");
    assert.equal(request.headers.get("x-sync-secret"), secret);
    assert.equal(
      run.err[0],
      `POST ${server.url}/functions/v1/sync-entity (secret from the environment)`,
    );
    assert.ok(!run.all().includes(secret));
  } finally {
    await server.stop();
  }
});

Deno.test("invoke health is a GET; import-history without a body sends {}", async () => {
  const server = startStubServer((request) =>
    request.path.endsWith("/health")
      ? Response.json({ status: "red" }, { status: 503 })
      : Response.json({ import_id: "x", entities: [] }, { status: 202 })
  );
  try {
    const health = capture({ SUPABASE_URL: server.url, SYNC_SECRET: secret });
    assert.equal(await runInvoke(["health"], health.io), 1);
    assert.equal(server.received[0].method, "GET");
    assert.equal(
      health.err.at(-1),
      "health answered 503: an entity or the scheduler is red, or syncing is switched off " +
        "(see status and reason)",
    );

    const importRun = capture({ SUPABASE_URL: server.url, SYNC_SECRET: secret });
    assert.equal(await runInvoke(["import-history"], importRun.io), 0);
    assert.equal(server.received[1].body, "{}");
  } finally {
    await server.stop();
  }
});

Deno.test("a rejected secret, a wrong URL and an unreachable host are one clear line", async () => {
  const server = startStubServer((request) =>
    request.path.endsWith("/nope")
      ? new Response("Function not found", { status: 404 })
      : Response.json({ error: "Unauthorized" }, { status: 401 })
  );
  try {
    const wrongSecret = capture({ SUPABASE_URL: server.url, SYNC_SECRET: secret });
    assert.equal(await runInvoke(["health"], wrongSecret.io), 1);
    assert.match(wrongSecret.err.at(-1)!, /^health answered 401: the secret was rejected/);

    const missing = capture({ SUPABASE_URL: server.url, SYNC_SECRET: secret });
    assert.equal(await runInvoke(["nope"], missing.io), 1);
    assert.match(missing.err.at(-1)!, /^nope answered 404: no function at/);

    const port = closedPort();
    const down = capture({ SUPABASE_URL: `http://127.0.0.1:${port}`, SYNC_SECRET: secret });
    assert.equal(await runInvoke(["health"], down.io), 2);
    assert.equal(
      down.err.at(-1),
      `Cannot reach http://127.0.0.1:${port}/functions/v1/health: connection refused; ` +
        "check SUPABASE_URL",
    );

    for (const run of [wrongSecret, missing, down]) assert.ok(!run.all().includes(secret));
  } finally {
    await server.stop();
  }
});

Deno.test("the local env file's secret is never sent to a host other than the local stack", async () => {
  const server = startStubServer();
  try {
    // SUPABASE_URL names another host, SYNC_SECRET is only in the local env file.
    const remote = capture({ SUPABASE_URL: server.url }, { SYNC_SECRET: secret });
    assert.equal(await runInvoke(["health"], remote.io), 2);
    assert.equal(server.received.length, 0, "nothing was sent");
    assert.deepEqual(remote.err, [
      `SYNC_SECRET is not set: ${server.url} is not the local stack, so put that project's ` +
      "secret in the environment (SYNC_SECRET=... deno task invoke ...); " +
      "supabase/functions/.env is only used for the local stack",
    ]);
    assert.ok(!remote.all().includes(secret));
    const hosted = capture({ SUPABASE_URL: "https://abcdefghijklmnopqrst.supabase.co" }, {
      SYNC_SECRET: secret,
    });
    assert.equal(await runInvoke(["import-history"], hosted.io), 2);
    assert.match(hosted.err[0], /^SYNC_SECRET is not set: https:\/\/abcdefghijklmnopqrst/);
  } finally {
    await server.stop();
  }

  // The local stack, named or by default, still uses the env file's secret.
  for (const url of [undefined, "http://127.0.0.1:54321/", "http://localhost:54321"]) {
    const local = capture(url ? { SUPABASE_URL: url } : {}, { SYNC_SECRET: secret });
    const target = resolveTarget(local.io);
    assert.equal(target.secret, secret, `local stack at ${url}`);
    assert.equal(target.secretSource, "supabase/functions/.env");
    assert.equal(target.local, true);
  }
  // With the secret in the environment, any host may be called.
  const named = capture({ SUPABASE_URL: "https://x.supabase.co", SYNC_SECRET: "from-env" }, {
    SYNC_SECRET: secret,
  });
  assert.deepEqual(resolveTarget(named.io), {
    baseUrl: "https://x.supabase.co",
    secret: "from-env",
    secretSource: "the environment",
    local: false,
  });
});

Deno.test("bad arguments and settings are reported before anything is sent", async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [[], { SYNC_SECRET: secret }, /^Usage: deno task invoke <function>/],
    [["sync-entity", "{entity:"], { SYNC_SECRET: secret }, /^The body is not valid JSON/],
    [["health"], {}, /^SYNC_SECRET is not set: put it in supabase\/functions\/\.env/],
    [["health"], { SUPABASE_URL: "ftp://x", SYNC_SECRET: secret }, /^SUPABASE_URL must be/],
  ];
  for (const [args, env, expected] of cases) {
    const run = capture(env);
    assert.equal(await runInvoke(args, run.io), 2);
    assert.equal(run.err.length, 1);
    assert.match(run.err[0], expected);
  }
});

Deno.test("the task prints no stack trace when the local stack is down", async () => {
  const port = closedPort();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "dev/invoke.ts", "health"],
    cwd: repoRoot,
    env: { SUPABASE_URL: `http://127.0.0.1:${port}`, SYNC_SECRET: secret, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr).trim().split("\n");
  assert.equal(output.code, 2);
  assert.equal(stderr.length, 2, stderr.join("\n"));
  assert.match(stderr[1], /^Cannot reach .*: connection refused; check SUPABASE_URL$/);
});
