import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

const TOKEN = "lsxs_pt_SuperSecretToken0123456789";
const SECRET = "sync-secret-that-is-long-enough";
const DB_PASSWORD = "db-pa55word-do-not-leak";
const DB_URL = `postgresql://postgres:${DB_PASSWORD}@db.example.supabase.co:5432/postgres`;

const valid = {
  LIGHTSPEED_DOMAIN_PREFIX: "mystore",
  LIGHTSPEED_TOKEN: TOKEN,
  SYNC_SECRET: SECRET,
  SUPABASE_DB_URL: DB_URL,
};

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error;
  }
  assert.fail("loadConfig() accepted an invalid configuration");
}

function problemNames(error: ConfigError): string[] {
  return error.problems.map((problem) => problem.name).sort();
}

Deno.test("loadConfig() builds the API base URL from the domain prefix and applies defaults", () => {
  assert.deepEqual(loadConfig(valid), {
    lightspeedBaseUrl: "https://mystore.retail.lightspeed.app/api/2.0",
    authMode: "personal",
    lightspeedToken: TOKEN,
    lightspeedClientId: undefined,
    oauthRedirectUrl: undefined,
    oauthAuthorizeUrl: "https://secure.retail.lightspeed.app/connect",
    syncSecret: SECRET,
    databaseUrl: DB_URL,
    databaseUrls: [DB_URL],
    databasePoolSize: 4,
    supabaseUrl: undefined,
    supabaseAnonKey: undefined,
    supabasePublishableKey: undefined,
    supabaseApiKeys: [],
    supabaseJwks: undefined,
    timeBudgetMs: 60_000,
    workerWallClockMs: 150_000,
    cpuBudgetMs: 600,
    pageSizeOverride: undefined,
    concurrency: 3,
    registerCount: undefined,
    maxRetryAfterMs: 600_000,
    rateWindowMs: 300_000,
    rateSafety: 1,
    webhookToken: undefined,
    lightspeedClientSecret: undefined,
    webhookBudgetShare: 0.5,
    webhookMinIntervalMs: 5_000,
  });
});

Deno.test("loadConfig() in oauth mode: no personal token, the redirect URL from SUPABASE_URL", () => {
  const config = loadConfig({
    ...valid,
    LIGHTSPEED_TOKEN: undefined,
    LIGHTSPEED_AUTH_MODE: "oauth",
    LIGHTSPEED_CLIENT_ID: "client-id",
    LIGHTSPEED_CLIENT_SECRET: "client-secret",
    SUPABASE_URL: "https://ref.supabase.co/",
  });
  assert.equal(config.authMode, "oauth");
  assert.equal(config.lightspeedToken, undefined);
  assert.equal(config.lightspeedClientId, "client-id");
  assert.equal(config.oauthRedirectUrl, "https://ref.supabase.co/functions/v1/lightspeed-oauth");
});

Deno.test("loadConfig() reads the platform's key variables, preferring the default publishable key", () => {
  const jwk = { kty: "EC", kid: "k1", key_ops: ["verify"], crv: "P-256", x: "x", y: "y" };
  const config = loadConfig({
    ...valid,
    SUPABASE_ANON_KEY: "legacy-anon",
    SUPABASE_PUBLISHABLE_KEYS: '{"web":"sb_publishable_web","default":"sb_publishable_main"}',
    SUPABASE_SECRET_KEYS: '{"default":"sb_secret_main"}',
    SUPABASE_JWKS: JSON.stringify({ keys: [jwk] }),
  });
  assert.equal(config.supabasePublishableKey, "sb_publishable_main");
  assert.deepEqual(config.supabaseApiKeys.sort(), [
    "legacy-anon",
    "sb_publishable_main",
    "sb_publishable_web",
    "sb_secret_main",
  ]);
  assert.deepEqual(config.supabaseJwks, { keys: [jwk] });
  const other = loadConfig({ ...valid, SUPABASE_PUBLISHABLE_KEYS: '{"web":"sb_publishable_w"}' });
  assert.equal(other.supabasePublishableKey, "sb_publishable_w", "any entry when no default");
  const unreadable = loadConfig({
    ...valid,
    SUPABASE_PUBLISHABLE_KEYS: "{not json",
    SUPABASE_JWKS: "[]",
  });
  assert.equal(unreadable.supabasePublishableKey, undefined);
  assert.equal(unreadable.supabaseJwks, undefined);
});

Deno.test("loadConfig() lets LIGHTSPEED_API_BASE_URL override the prefix and reads tuning", () => {
  const config = loadConfig({
    ...valid,
    LIGHTSPEED_API_BASE_URL: "http://127.0.0.1:54330/api/2.0/",
    SUPABASE_URL: "http://127.0.0.1:54321/",
    SUPABASE_ANON_KEY: "anon-key",
    SYNC_TIME_BUDGET_MS: "140000",
    SYNC_WORKER_WALL_CLOCK_MS: "400000",
    LIGHTSPEED_PAGE_SIZE: "10000",
    SYNC_CONCURRENCY: "10",
    LIGHTSPEED_REGISTER_COUNT: "2",
    LIGHTSPEED_MAX_RETRY_AFTER_MS: "90000",
    LIGHTSPEED_RATE_WINDOW_MS: "3000",
    LIGHTSPEED_RATE_SAFETY: "0.75",
  });
  assert.equal(config.lightspeedBaseUrl, "http://127.0.0.1:54330/api/2.0");
  assert.equal(config.supabaseUrl, "http://127.0.0.1:54321");
  assert.equal(config.supabaseAnonKey, "anon-key");
  assert.equal(config.timeBudgetMs, 140_000);
  assert.equal(config.workerWallClockMs, 400_000);
  assert.equal(config.pageSizeOverride, 10_000);
  assert.equal(config.concurrency, 10);
  assert.equal(config.registerCount, 2);
  assert.equal(config.maxRetryAfterMs, 90_000);
  assert.equal(config.rateWindowMs, 3000);
  assert.equal(config.rateSafety, 0.75);
});

Deno.test("loadConfig() connects through SYNC_DATABASE_URL when set, else SUPABASE_DB_URL", () => {
  const pooler = "postgres://postgres.abcdefghijklmnopqrst:pooler-pw@aws-0-eu-west-1.pooler." +
    "supabase.com:6543/postgres";
  const pooled = loadConfig({ ...valid, SYNC_DATABASE_URL: pooler, SYNC_DATABASE_POOL_SIZE: "1" });
  assert.equal(pooled.databaseUrl, pooler);
  assert.deepEqual(pooled.databaseUrls, [DB_URL, pooler]);
  assert.equal(pooled.databasePoolSize, 1);
  const blank = loadConfig({ ...valid, SYNC_DATABASE_URL: " " });
  assert.equal(blank.databaseUrl, DB_URL);
  assert.deepEqual(blank.databaseUrls, [DB_URL]);
});

Deno.test("loadConfig() refuses a pooler URL that is not PostgreSQL's and a pool out of range", () => {
  const error = configError({
    ...valid,
    SYNC_DATABASE_URL: "https://aws-0-eu-west-1.pooler.supabase.com:6543",
    SYNC_DATABASE_POOL_SIZE: "0",
  });
  assert.deepEqual(problemNames(error), ["SYNC_DATABASE_POOL_SIZE", "SYNC_DATABASE_URL"]);
  assert.match(error.message, /SYNC_DATABASE_URL: Supabase's transaction pooler URL \(port 6543\)/);
  assert.match(error.message, /SYNC_DATABASE_POOL_SIZE: an integer from 1 to 20 \(default 4\)/);
  assert.equal(configError({ ...valid, SYNC_DATABASE_POOL_SIZE: "21" }).problems.length, 1);
});

Deno.test("loadConfig() accepts the base URL alone and treats blank values as unset", () => {
  const config = loadConfig({
    ...valid,
    LIGHTSPEED_DOMAIN_PREFIX: " ",
    LIGHTSPEED_API_BASE_URL: "http://127.0.0.1:54330/api/2.0",
    SYNC_CONCURRENCY: "",
  });
  assert.equal(config.lightspeedBaseUrl, "http://127.0.0.1:54330/api/2.0");
  assert.equal(config.concurrency, 3);
});

Deno.test("loadConfig() lists every missing required setting by name", () => {
  const error = configError({});
  assert.deepEqual(problemNames(error), [
    "LIGHTSPEED_DOMAIN_PREFIX",
    "LIGHTSPEED_TOKEN",
    "SUPABASE_DB_URL",
    "SYNC_SECRET",
  ]);
  assert.match(error.message, /LIGHTSPEED_TOKEN: required/);
  assert.match(error.message, /SYNC_SECRET: required: a random secret of at least 16 characters/);
});

Deno.test("loadConfig() lists every malformed setting with what is expected", () => {
  const error = configError({
    ...valid,
    LIGHTSPEED_API_BASE_URL: "ftp://example.com",
    SYNC_SECRET: "short",
    SUPABASE_DB_URL: "mysql://root@localhost/db",
    SUPABASE_URL: "not a url",
    SYNC_TIME_BUDGET_MS: "4999",
    LIGHTSPEED_PAGE_SIZE: "10001",
    SYNC_CONCURRENCY: "0",
    LIGHTSPEED_REGISTER_COUNT: "1.5",
    LIGHTSPEED_RATE_WINDOW_MS: "abc",
    LIGHTSPEED_RATE_SAFETY: "1.5",
  });
  assert.deepEqual(problemNames(error), [
    "LIGHTSPEED_API_BASE_URL",
    "LIGHTSPEED_PAGE_SIZE",
    "LIGHTSPEED_RATE_SAFETY",
    "LIGHTSPEED_RATE_WINDOW_MS",
    "LIGHTSPEED_REGISTER_COUNT",
    "SUPABASE_DB_URL",
    "SUPABASE_URL",
    "SYNC_CONCURRENCY",
    "SYNC_SECRET",
    "SYNC_TIME_BUDGET_MS",
  ]);
  assert.match(error.message, /SYNC_TIME_BUDGET_MS: an integer number of milliseconds from 5000/);
  assert.match(error.message, /SYNC_CONCURRENCY: an integer from 1 to 10/);
  // A URL that fails its check is explained like any other setting (it once read "Invalid input").
  assert.match(error.message, /SUPABASE_URL: the project's URL starting with "http:\/\/"/);
  assert.match(error.message, /SUPABASE_DB_URL: required: a PostgreSQL URL starting with/);
  assert.match(error.message, /^Invalid configuration \(10 problems\):\n- /);
});

Deno.test("loadConfig() refuses a time budget the platform's 150 s idle timeout would cut off", () => {
  // sync-entity answers only when its run ends: past ~140 s the caller gets a 504 instead.
  const error = configError({ ...valid, SYNC_TIME_BUDGET_MS: "140001" });
  assert.deepEqual(problemNames(error), ["SYNC_TIME_BUDGET_MS"]);
  assert.match(error.message, /from 5000 to 140000 \(default 60000\)/);
  assert.equal(configError({ ...valid, SYNC_TIME_BUDGET_MS: "380000" }).problems.length, 1);
});

Deno.test("loadConfig() rejects a full URL as domain prefix and suggests the prefix", () => {
  const error = configError({
    ...valid,
    LIGHTSPEED_DOMAIN_PREFIX: "https://mystore.retail.lightspeed.app/api/2.0",
  });
  assert.deepEqual(problemNames(error), ["LIGHTSPEED_DOMAIN_PREFIX"]);
  assert.match(error.message, /not a URL or host name \(did you mean "mystore"\?\)/);
});

Deno.test("loadConfig() rejects the retired vendhq.com host with a helpful message", () => {
  const prefixError = configError({ ...valid, LIGHTSPEED_DOMAIN_PREFIX: "mystore.vendhq.com" });
  assert.match(prefixError.message, /vendhq\.com address: that host stopped serving the API/);
  assert.match(prefixError.message, /did you mean "mystore"/);

  const urlError = configError({
    ...valid,
    LIGHTSPEED_API_BASE_URL: "https://mystore.vendhq.com/api/2.0",
  });
  assert.deepEqual(problemNames(urlError), ["LIGHTSPEED_API_BASE_URL"]);
  assert.match(urlError.message, /retail\.lightspeed\.app/);
});

Deno.test("loadConfig() rejects a domain prefix with invalid characters", () => {
  for (const prefix of ["-store", "my_store", "store-", "a".repeat(64)]) {
    const error = configError({ ...valid, LIGHTSPEED_DOMAIN_PREFIX: prefix });
    assert.deepEqual(problemNames(error), ["LIGHTSPEED_DOMAIN_PREFIX"], prefix);
  }
  assert.equal(
    loadConfig({ ...valid, LIGHTSPEED_DOMAIN_PREFIX: "My-Store2" }).lightspeedBaseUrl,
    "https://my-store2.retail.lightspeed.app/api/2.0",
  );
});

Deno.test("loadConfig() never echoes a token, secret or database password", () => {
  const error = configError({
    LIGHTSPEED_DOMAIN_PREFIX: `https://${TOKEN}.example`,
    LIGHTSPEED_API_BASE_URL: `not-a-url-${TOKEN}`,
    LIGHTSPEED_TOKEN: TOKEN,
    SYNC_SECRET: "tiny-secret",
    SUPABASE_DB_URL: `mysql://root:${DB_PASSWORD}@localhost/db`,
    SYNC_DATABASE_URL: `mysql://pooler:${DB_PASSWORD}@localhost:6543/db`,
    SUPABASE_ANON_KEY: " ",
    SYNC_CONCURRENCY: TOKEN,
    LIGHTSPEED_RATE_SAFETY: SECRET,
  });
  for (const secret of [TOKEN, "tiny-secret", DB_PASSWORD, SECRET]) {
    assert.ok(!error.message.includes(secret), `message leaks "${secret}"`);
    assert.ok(!JSON.stringify(error.problems).includes(secret), `problems leak "${secret}"`);
  }
});

Deno.test("loadConfig() refuses a plain-http API base URL off this machine, naming https", () => {
  const error = configError({ ...valid, LIGHTSPEED_API_BASE_URL: "http://lightspeed.example/api" });
  assert.deepEqual(problemNames(error), ["LIGHTSPEED_API_BASE_URL"]);
  assert.match(error.message, /starting with "https:\/\/" \("http:\/\/" only for a loopback host/);
  assert.ok(!error.message.includes("lightspeed.example"), "the value is not echoed");
});
