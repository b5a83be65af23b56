// Every declared setting: the text the operator reads states the same range, minimum length,
// protocols and default that the check enforces.
import assert from "node:assert/strict";
import { ConfigError, readSettings } from "./config.ts";
import { expectedText, isRequiredBy } from "./setting_rules.ts";
import { declaredSettings, type SettingName, settings } from "./settings.ts";

/** A valid value for every setting (the record's type makes it list them all). */
const sample: Record<SettingName, string> = {
  LIGHTSPEED_DOMAIN_PREFIX: "mystore",
  LIGHTSPEED_API_BASE_URL: "http://127.0.0.1:54330/api/2.0",
  LIGHTSPEED_AUTH_MODE: "oauth",
  LIGHTSPEED_TOKEN: "lsxs_pt_token",
  LIGHTSPEED_CLIENT_ID: "oauth-client-id",
  LIGHTSPEED_OAUTH_REDIRECT_URL: "https://ref.supabase.co/functions/v1/lightspeed-oauth",
  LIGHTSPEED_OAUTH_AUTHORIZE_URL: "http://127.0.0.1:54330/connect",
  SYNC_SECRET: "sync-secret-that-is-long-enough",
  SUPABASE_DB_URL: "postgresql://postgres:pw@127.0.0.1:54322/postgres",
  SYNC_DATABASE_URL: "postgres://postgres.ref:pw@127.0.0.1:54329/postgres",
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_ANON_KEY: "anon-key",
  SUPABASE_PUBLISHABLE_KEYS: '{"default":"sb_publishable_abc"}',
  SUPABASE_SECRET_KEYS: '{"default":"sb_secret_abc"}',
  SUPABASE_JWKS: '{"keys":[]}',
  SYNC_TIME_BUDGET_MS: "30000",
  SYNC_WORKER_WALL_CLOCK_MS: "400000",
  SYNC_CPU_BUDGET_MS: "500",
  LIGHTSPEED_PAGE_SIZE: "200",
  SYNC_CONCURRENCY: "2",
  SYNC_DATABASE_POOL_SIZE: "3",
  LIGHTSPEED_REGISTER_COUNT: "4",
  LIGHTSPEED_MAX_RETRY_AFTER_MS: "60000",
  LIGHTSPEED_RATE_WINDOW_MS: "3000",
  LIGHTSPEED_RATE_SAFETY: "0.5",
  LIGHTSPEED_WEBHOOK_TOKEN: "webhook-token-0123456789abcdef0123456789",
  LIGHTSPEED_CLIENT_SECRET: "oauth-client-secret",
  LIGHTSPEED_WEBHOOK_BUDGET_SHARE: "0.25",
  LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS: "2000",
};

/** The text the operator reads for `name` when it alone is set to `value` (or unset). */
function problemText(name: SettingName, value: string | undefined): string {
  try {
    readSettings({ ...valid, [name]: value });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.deepEqual(error.problems.map((problem) => problem.name), [name], `${name}=${value}`);
    assert.ok(error.message.includes(`- ${name}: ${error.problems[0].expected}`));
    return error.problems[0].expected;
  }
  assert.fail(`${name}=${JSON.stringify(value)} was accepted`);
}

/** Just the required settings, set. */
const valid: Record<string, string> = Object.fromEntries(
  (["LIGHTSPEED_DOMAIN_PREFIX", "LIGHTSPEED_TOKEN", "SYNC_SECRET", "SUPABASE_DB_URL"] as const)
    .map((name) => [name, sample[name]]),
);

function accepted(name: SettingName, value: string | undefined): unknown {
  return readSettings({ ...valid, [name]: value })[name];
}

function withShape<K extends string>(kind: K) {
  return declaredSettings().flatMap((setting) =>
    setting.shape.kind === kind
      ? [{ ...setting, shape: setting.shape as Extract<typeof setting.shape, { kind: K }> }]
      : []
  );
}

Deno.test("each setting's message is exactly the text below", () => {
  const texts: Record<SettingName, string> = {
    LIGHTSPEED_DOMAIN_PREFIX: "required unless LIGHTSPEED_API_BASE_URL is set: the store's " +
      'prefix, e.g. "mystore" for https://mystore.retail.lightspeed.app',
    LIGHTSPEED_API_BASE_URL: 'the whole API base URL starting with "https://" ("http://" only ' +
      'for a loopback host: 127.0.0.0/8, ::1 or localhost), e.g. "http://127.0.0.1:54330/api/2.0"',
    LIGHTSPEED_AUTH_MODE: "how the sync signs in to Lightspeed: personal (LIGHTSPEED_TOKEN) " +
      "or oauth (an OAuth app connected with deno task connect; README § OAuth); one of " +
      '"personal", "oauth"',
    LIGHTSPEED_TOKEN: "required when LIGHTSPEED_AUTH_MODE is personal or unset: a Lightspeed " +
      "personal access token",
    LIGHTSPEED_CLIENT_ID: "required when LIGHTSPEED_AUTH_MODE is oauth: the OAuth app's client id",
    LIGHTSPEED_OAUTH_REDIRECT_URL: "the OAuth app's redirect URL as registered with Lightspeed " +
      '(default: SUPABASE_URL\'s /functions/v1/lightspeed-oauth) starting with "https://" ' +
      '("http://" only for a loopback host: 127.0.0.0/8, ::1 or localhost), e.g. ' +
      '"https://<ref>.supabase.co/functions/v1/lightspeed-oauth"',
    LIGHTSPEED_OAUTH_AUTHORIZE_URL: "Lightspeed's authorize page (the simulator's in tests) " +
      'starting with "https://" ("http://" only for a loopback host: 127.0.0.0/8, ::1 or ' +
      "localhost)",
    SYNC_SECRET: "required: a random secret of at least 16 characters",
    SUPABASE_DB_URL: 'required: a PostgreSQL URL starting with "postgres://" or "postgresql://"',
    SYNC_DATABASE_URL: "Supabase's transaction pooler URL (port 6543), used instead of " +
      'SUPABASE_DB_URL starting with "postgres://" or "postgresql://", e.g. ' +
      '"postgres://postgres.<ref>:<password>@aws-0-<region>.pooler.supabase.com:6543/postgres"',
    SUPABASE_URL: 'the project\'s URL starting with "http://" or "https://"',
    SUPABASE_ANON_KEY: "the project's legacy anon key",
    SUPABASE_PUBLISHABLE_KEYS:
      'the project\'s publishable keys, e.g. {"default":"sb_publishable_..."}',
    SUPABASE_SECRET_KEYS: 'the project\'s secret keys, e.g. {"default":"sb_secret_..."}',
    SUPABASE_JWKS: "the JSON Web Key Set of the keys that sign users' tokens",
    SYNC_TIME_BUDGET_MS: "an integer number of milliseconds from 5000 to 140000 (default 60000)",
    SYNC_WORKER_WALL_CLOCK_MS:
      "an integer number of milliseconds from 5000 to 400000 (default 150000)",
    SYNC_CPU_BUDGET_MS: "an integer number of milliseconds from 100 to 10000 (default 600)",
    LIGHTSPEED_PAGE_SIZE: "an integer from 1 to 10000",
    SYNC_CONCURRENCY: "an integer from 1 to 10 (default 3)",
    SYNC_DATABASE_POOL_SIZE: "an integer from 1 to 20 (default 4)",
    LIGHTSPEED_REGISTER_COUNT: "an integer from 1 to 100000",
    LIGHTSPEED_MAX_RETRY_AFTER_MS:
      "an integer number of milliseconds from 1000 to 3600000 (default 600000)",
    LIGHTSPEED_RATE_WINDOW_MS:
      "an integer number of milliseconds from 100 to 3600000 (default 300000)",
    LIGHTSPEED_RATE_SAFETY: "a fraction above 0 and at most 1 (default 1)",
    LIGHTSPEED_WEBHOOK_TOKEN: "a random webhook URL token of at least 32 characters",
    LIGHTSPEED_CLIENT_SECRET: "required when LIGHTSPEED_AUTH_MODE is oauth: the OAuth app's " +
      "client secret (webhooks must then be signed with it)",
    LIGHTSPEED_WEBHOOK_BUDGET_SHARE: "a fraction above 0 and at most 1 (default 0.5)",
    LIGHTSPEED_WEBHOOK_MIN_INTERVAL_MS:
      "an integer number of milliseconds from 500 to 300000 (default 5000)",
  };
  for (const setting of declaredSettings()) {
    assert.equal(expectedText(setting), texts[setting.name], setting.name);
  }
});

Deno.test("every setting accepts its sample value", () => {
  const values = readSettings(sample);
  assert.equal(values.SYNC_TIME_BUDGET_MS, 30_000);
  assert.equal(values.LIGHTSPEED_RATE_SAFETY, 0.5);
  assert.equal(values.SUPABASE_ANON_KEY, "anon-key");
});

Deno.test("an integer setting takes exactly its stated range and its stated default", () => {
  const integers = withShape("integer");
  assert.ok(integers.length >= 6);
  for (const { name, shape } of integers) {
    const text = problemText(name, String(shape.max + 1));
    assert.ok(text.includes(`from ${shape.min} to ${shape.max}`), `${name}: ${text}`);
    assert.equal(problemText(name, String(shape.min - 1)), text);
    assert.equal(problemText(name, `${shape.min}.5`), text);
    assert.equal(problemText(name, "ten"), text);
    assert.equal(accepted(name, String(shape.min)), shape.min);
    assert.equal(accepted(name, ` ${shape.max} `), shape.max);
    const fallback = "default" in shape ? shape.default : undefined;
    assert.equal(accepted(name, ""), fallback, `${name} blank`);
    assert.equal(accepted(name, undefined), fallback, `${name} unset`);
    assert.equal(text.endsWith(` (default ${fallback})`), fallback !== undefined, text);
    if (fallback !== undefined) {
      assert.ok(fallback >= shape.min && fallback <= shape.max, `${name}: default out of range`);
    }
  }
});

Deno.test("a fraction setting takes exactly its stated bounds and its stated default", () => {
  const fractions = withShape("fraction");
  assert.ok(fractions.length >= 1);
  for (const { name, shape } of fractions) {
    const text = problemText(name, String(shape.above));
    assert.ok(text.includes(`above ${shape.above} and at most ${shape.atMost}`), text);
    assert.equal(problemText(name, String(shape.atMost + 0.001)), text);
    assert.equal(problemText(name, "half"), text);
    assert.equal(accepted(name, String(shape.atMost)), shape.atMost);
    assert.equal(accepted(name, String(shape.above + 0.001)), shape.above + 0.001);
    assert.equal(accepted(name, " "), shape.default);
    assert.equal(text.endsWith(` (default ${shape.default})`), shape.default !== undefined, text);
  }
});

Deno.test("a text setting takes exactly its stated minimum length", () => {
  for (const { name, shape, required } of withShape("text")) {
    const minLength = shape.minLength ?? 1;
    const value = "x".repeat(minLength);
    assert.equal(accepted(name, value), value);
    if (minLength > 1) {
      const text = problemText(name, "x".repeat(minLength - 1));
      assert.ok(text.includes(`at least ${minLength} characters`), text);
    }
    if (required === true) assert.match(problemText(name, undefined), /^required: /);
  }
  const padded = ` ${valid.SYNC_SECRET} `;
  assert.equal(accepted("SYNC_SECRET", padded), padded, "compared as sent, never trimmed");
  assert.equal(accepted("LIGHTSPEED_TOKEN", " token "), "token");
});

Deno.test("a URL setting takes exactly the protocols its message names", () => {
  for (const { name, shape } of withShape("url")) {
    for (const protocol of shape.protocols) {
      assert.equal(accepted(name, ` ${protocol}://example.com/x `), `${protocol}://example.com/x`);
    }
    const text = problemText(name, "ftp://example.com");
    for (const protocol of shape.protocols) assert.ok(text.includes(`"${protocol}://"`), text);
    assert.equal(problemText(name, "example.com"), text);
    if (!shape.protocols.includes("http")) {
      assert.equal(problemText(name, "http://example.com/x"), text, `${name}: http elsewhere`);
    }
  }
});

Deno.test("the API base URL is https, or plain http only to a loopback host", () => {
  // The token goes with every request: in clear text it may only stay on this machine.
  const name = "LIGHTSPEED_API_BASE_URL";
  for (
    const url of [
      "https://mystore.retail.lightspeed.app/api/2.0",
      "http://127.0.0.1:54330/api/2.0",
      "http://127.255.0.9/api/2.0",
      "http://[::1]:54330/api/2.0",
      "http://localhost:54330/api/2.0",
    ]
  ) assert.equal(accepted(name, url), url);
  for (
    const url of [
      "http://mystore.retail.lightspeed.app/api/2.0",
      "http://10.0.0.1/api/2.0",
      "http://128.0.0.1/api/2.0",
      "http://127.0.0.1.example.com/api/2.0",
      "http://localhost.example.com/api/2.0",
      "http://[::ffff:127.0.0.1]/api/2.0",
    ]
  ) {
    const text = problemText(name, url);
    assert.match(text, /starting with "https:\/\/" \("http:\/\/" only for a loopback host: /);
  }
});

Deno.test("exactly the settings marked required are reported when nothing is set", () => {
  const error = (() => {
    try {
      readSettings({});
    } catch (error) {
      return error as ConfigError;
    }
    assert.fail("an empty environment was accepted");
  })();
  const required = declaredSettings().filter((setting) => isRequiredBy(setting.required, {}));
  assert.deepEqual(
    error.problems,
    required.map((setting) => ({
      name: setting.name,
      expected: expectedText(setting),
    })),
  );
  for (const { name, required } of declaredSettings()) {
    if (typeof required !== "object" || !("unlessSet" in required)) continue;
    assert.ok(required.unlessSet in settings, `${name}: ${required.unlessSet} is not declared`);
    const alternative = sample[required.unlessSet as SettingName];
    const values = readSettings({ ...valid, [name]: "", [required.unlessSet]: alternative });
    assert.equal(values[name], undefined);
  }
});

Deno.test("no setting's malformed value is ever echoed, secret or not", () => {
  const marker = "zz-Leak-Marker-0123456789";
  const malformed: Record<string, string> = {
    text: marker.slice(0, 3),
    url: `ftp://${marker}`,
    integer: marker,
    fraction: marker,
    storePrefix: `https://${marker}.example/`,
    choice: marker,
  };
  for (const { name, shape, secret } of declaredSettings()) {
    const value = malformed[shape.kind];
    if (shape.kind === "text" && (shape.minLength ?? 1) <= value.length) continue;
    const text = problemText(name, value);
    assert.ok(!text.includes(marker.slice(0, 3)), `${name} (secret: ${secret}) echoes: ${text}`);
  }
});

Deno.test("the auth mode decides which credentials are required", () => {
  const base = { SYNC_SECRET: sample.SYNC_SECRET, SUPABASE_DB_URL: sample.SUPABASE_DB_URL };
  const missing = (env: Record<string, string>) => {
    try {
      readSettings({ ...base, LIGHTSPEED_DOMAIN_PREFIX: "mystore", ...env });
      return [];
    } catch (error) {
      return (error as ConfigError).problems.map((problem) => problem.name);
    }
  };
  assert.deepEqual(missing({}), ["LIGHTSPEED_TOKEN"], "personal is the default");
  assert.deepEqual(missing({ LIGHTSPEED_AUTH_MODE: "personal" }), ["LIGHTSPEED_TOKEN"]);
  assert.deepEqual(missing({ LIGHTSPEED_AUTH_MODE: "OAuth" }), [
    "LIGHTSPEED_CLIENT_ID",
    "LIGHTSPEED_CLIENT_SECRET",
  ]);
  assert.deepEqual(
    missing({
      LIGHTSPEED_AUTH_MODE: "oauth",
      LIGHTSPEED_CLIENT_ID: "id",
      LIGHTSPEED_CLIENT_SECRET: "s",
    }),
    [],
    "no personal token in oauth mode",
  );
  assert.deepEqual(missing({ LIGHTSPEED_AUTH_MODE: "both", LIGHTSPEED_TOKEN: "t" }), [
    "LIGHTSPEED_AUTH_MODE",
  ]);
});
