// The functions' common front over real HTTP, with a database that fails every query (a
// database on the local server that does not exist): what each caller learns from a failure.
import assert from "node:assert/strict";
import { testDatabaseUrl } from "../../../dev/testing/database.ts";
import { testSyncSecret } from "../../../dev/testing/sync_stack.ts";
import { handleHealth } from "../health/handler.ts";
import { healthServeOptions } from "../health/serve_options.ts";
import { handleSyncEntity } from "../sync-entity/handler.ts";
import { createFunctionContext, type FunctionContext } from "./function_context.ts";
import { type FunctionHandler, serveFunction, type ServeOptions } from "./function_entry.ts";

const missingDatabase = "function_entry_test_no_such_database";

async function withServed(
  handler: FunctionHandler,
  options: ServeOptions,
  fn: (url: string) => Promise<void>,
) {
  const databaseUrl = new URL(testDatabaseUrl);
  databaseUrl.pathname = `/${missingDatabase}`;
  const context: FunctionContext = createFunctionContext({
    LIGHTSPEED_API_BASE_URL: "http://127.0.0.1:9/api/2.0",
    LIGHTSPEED_TOKEN: "token-that-is-never-used",
    SYNC_SECRET: testSyncSecret,
    SUPABASE_DB_URL: databaseUrl.href,
    LIGHTSPEED_REGISTER_COUNT: "1",
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    serveFunction(handler, () => context, options),
  );
  const consoleError = console.error;
  console.error = () => {};
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    console.error = consoleError;
    await server.shutdown();
    await context.sql.end({ timeout: 5 });
  }
}

async function call(url: string, init: RequestInit = {}) {
  const reply = await fetch(url, init);
  return { status: reply.status, text: await reply.text() };
}

Deno.test("a failing health check answers 503, with the database's words only for callers with credentials", async () => {
  await withServed(handleHealth, healthServeOptions, async (url) => {
    const anonymous = await call(url);
    assert.equal(anonymous.status, 503);
    assert.match(JSON.parse(anonymous.text).error, /^Unexpected failure; the details are logged/);
    assert.ok(!anonymous.text.includes(missingDatabase), anonymous.text);
    assert.ok(!anonymous.text.includes("does not exist"), anonymous.text);

    const operator = await call(url, { headers: { "x-sync-secret": testSyncSecret } });
    assert.equal(operator.status, 503);
    assert.match(JSON.parse(operator.text).error, /^Unexpected failure: .*does not exist/);
  });
});

Deno.test("an unexpected failure of sync-entity is a 500 with the message for the operator only", async () => {
  await withServed(handleSyncEntity, {}, async (url) => {
    const body = JSON.stringify({ entity: "sales" });
    const operator = await call(url, {
      method: "POST",
      headers: { "x-sync-secret": testSyncSecret },
      body,
    });
    assert.equal(operator.status, 500);
    assert.match(JSON.parse(operator.text).error, /^Unexpected failure: .*does not exist/);
    assert.ok(!operator.text.includes(testSyncSecret));
    // A caller without credentials is turned away before anything can fail.
    const anonymous = await call(url, { method: "POST", body });
    assert.equal(anonymous.status, 401);
    // A token that cannot be checked (the database is away) is no credential either.
    const bearer = await call(url, {
      method: "POST",
      headers: { authorization: "Bearer a.b.c" },
      body,
    });
    assert.equal(bearer.status, 401);
  });
});
