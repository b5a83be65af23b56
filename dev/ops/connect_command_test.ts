// `deno task connect` against a real HTTP server: it asks lightspeed-oauth to start with the
// secret, prints the authorize URL to open, and turns a refusal into one line without the secret.
import assert from "node:assert/strict";
import { startStubServer } from "../net_worker_test_support.ts";
import { runConnect } from "./connect_command.ts";
import type { InvokeIo } from "./invoke_function.ts";

const secret = "connect-test-secret-0123456789";

function capture(url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: InvokeIo = {
    env: { SUPABASE_URL: url, SYNC_SECRET: secret },
    envFile: {},
    envFilePath: "supabase/functions/.env",
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    timeoutMs: 2000,
  };
  return { io, out, err, all: () => [...out, ...err].join("\n") };
}

Deno.test("connect prints the authorize URL lightspeed-oauth returns", async () => {
  const authorizeUrl = "https://secure.retail.lightspeed.app/connect?state=abc";
  const server = startStubServer(() =>
    Response.json({
      authorize_url: authorizeUrl,
      redirect_url: "https://ref.supabase.co/functions/v1/lightspeed-oauth",
      expires_at: "2026-12-13T10:10:00.000Z",
    })
  );
  try {
    const run = capture(server.url);
    assert.equal(await runConnect([], run.io), 0);
    assert.match(
      run.out.join("\n"),
      new RegExp(`^  ${authorizeUrl.replace(/[?.]/g, "\\$&")}$`, "m"),
    );
    const [request] = server.received;
    assert.equal(request.path, "/functions/v1/lightspeed-oauth");
    assert.equal(request.headers.get("x-sync-secret"), secret);
    assert.deepEqual(JSON.parse(request.body), { action: "start" });
    assert.ok(!run.all().includes(secret), "the secret is never printed");
  } finally {
    await server.stop();
  }
});

Deno.test("connect reports a refusal in one line, exit code 2", async () => {
  const server = startStubServer(() =>
    Response.json({ error: "LIGHTSPEED_AUTH_MODE is not oauth" }, { status: 409 })
  );
  try {
    const run = capture(server.url);
    assert.equal(await runConnect([], run.io), 2);
    assert.equal(
      run.err.at(-1),
      "lightspeed-oauth refused to start a connect: LIGHTSPEED_AUTH_MODE is not oauth",
    );
    assert.deepEqual(run.out, []);
  } finally {
    await server.stop();
  }
});
