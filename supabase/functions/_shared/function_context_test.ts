import assert from "node:assert/strict";
import { createFunctionContext } from "./function_context.ts";
import { describeError } from "./redact.ts";

const DIRECT_PASSWORD = "direct-pa55word-do-not-leak";
const POOLER_PASSWORD = "pooler-pa55word-do-not-leak";
const DIRECT_URL = `postgresql://postgres:${DIRECT_PASSWORD}@db.example.supabase.co:5432/postgres`;
const POOLER_URL = `postgres://postgres.example:${POOLER_PASSWORD}@aws-0-eu-west-1.pooler.` +
  "supabase.com:6543/postgres";

const env = {
  LIGHTSPEED_DOMAIN_PREFIX: "mystore",
  LIGHTSPEED_TOKEN: "lsxs_pt_token_for_context_test",
  SYNC_SECRET: "sync-secret-that-is-long-enough",
  SUPABASE_DB_URL: DIRECT_URL,
};

// The pool connects on its first query only, so these contexts never reach a database.
Deno.test("the pool goes through SYNC_DATABASE_URL with SYNC_DATABASE_POOL_SIZE connections", async () => {
  const context = createFunctionContext({
    ...env,
    SYNC_DATABASE_URL: POOLER_URL,
    SYNC_DATABASE_POOL_SIZE: "2",
  });
  try {
    assert.equal(context.sql.options.max, 2);
    assert.deepEqual(context.sql.options.host, ["aws-0-eu-west-1.pooler.supabase.com"]);
    assert.deepEqual(context.sql.options.port, [6543]);
    assert.equal(context.sql.options.prepare, false, "a transaction pooler keeps no statements");
  } finally {
    await context.sql.end();
  }
});

Deno.test("without SYNC_DATABASE_URL the pool is the direct connection, 4 connections", async () => {
  const context = createFunctionContext({ ...env, SYNC_CONCURRENCY: "10" });
  try {
    assert.equal(context.sql.options.max, 4);
    assert.deepEqual(context.sql.options.host, ["db.example.supabase.co"]);
  } finally {
    await context.sql.end();
  }
});

Deno.test("both database passwords are redacted from every message", async () => {
  const context = createFunctionContext({ ...env, SYNC_DATABASE_URL: POOLER_URL });
  try {
    assert.ok(context.secrets.includes(DIRECT_PASSWORD));
    assert.ok(context.secrets.includes(POOLER_PASSWORD));
    const message = describeError(
      new Error(`connect failed for ${POOLER_URL} (direct: ${DIRECT_URL})`),
      context.secrets,
    );
    assert.ok(!message.includes(POOLER_PASSWORD), message);
    assert.ok(!message.includes(DIRECT_PASSWORD), message);
  } finally {
    await context.sql.end();
  }
});
