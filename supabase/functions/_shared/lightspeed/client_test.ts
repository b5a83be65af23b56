import assert from "node:assert/strict";
import type { Clock } from "../clock.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { createLightspeedClient, type LightspeedClientOptions } from "./client.ts";
import {
  LightspeedConfigurationError,
  LightspeedError,
  LightspeedHttpError,
  LightspeedNetworkError,
  LightspeedRateLimitError,
  LightspeedRedirectError,
  LightspeedReplyTooLargeError,
  LightspeedRequestError,
  LightspeedResponseError,
  LightspeedServerError,
  LightspeedTimeoutError,
} from "./errors.ts";
import type { RequestBudget } from "./request_budget.ts";
import type { TokenProvider } from "./token_provider.ts";
import { startSimulator } from "../../../../simulator/mod.ts";

const TOKEN = "lsxs_pt_TopSecretToken_9f8e7d6c";
const BASE_URL = "https://lightspeed.test/api/2.0";
const T0 = Date.parse("2026-11-25T09:00:00Z");
const OK_BODY = { data: [{ id: "a" }], version: { min: 1, max: 1 } };

/** One scripted reply of the fake server: a Response, or a thrown fetch failure. */
type Step = () => Response;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Step => () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
const raw = (status: number, text: string): Step => () => new Response(text, { status });
const redirect = (status: number, location: string): Step => () =>
  new Response(`moved to ${location}`, { status, headers: { location } });
const ok = json(200, OK_BODY);
const tooMany = (headers: Record<string, string> = {}) =>
  json(429, { error: "Too Many Requests", message: "Rate limiting enforced" }, headers);
const fails = (error: Error): Step => () => {
  throw error;
};

/** Fake clock: sleeping advances time instantly and is recorded. */
function fakeClock(start = T0) {
  const sleeps: number[] = [];
  let now = start;
  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return { clock, sleeps, now: () => now };
}

/** Fake budget: always grants, records what it was asked. */
function fakeBudget() {
  const calls = { acquires: 0, pauses: [] as number[] };
  const budget: RequestBudget = {
    acquire: () => {
      calls.acquires++;
      return Promise.resolve();
    },
    pauseUntil: (epochMs) => {
      calls.pauses.push(epochMs);
      return Promise.resolve();
    },
  };
  return { budget, calls };
}

function harness(steps: Step[], options: Partial<LightspeedClientOptions> = {}) {
  const time = fakeClock();
  const { budget, calls } = fakeBudget();
  const requests: Request[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(new Request(input, init));
    const step = steps[requests.length - 1];
    if (!step) throw new Error(`Unexpected request ${requests.length}`);
    return Promise.resolve(step());
  };
  const client = createLightspeedClient({
    baseUrl: BASE_URL,
    token: TOKEN,
    budget,
    fetch,
    clock: time.clock,
    random: () => 0.5,
    rateLimitFallbackMs: 1000,
    ...options,
  });
  return { client, time, calls, requests };
}

interface MatrixRow {
  name: string;
  steps: Step[];
  deadlineInMs?: number;
  maxAttempts?: number;
  /** Expected error class; success (OK_BODY) when absent. */
  error?: new (...args: never[]) => Error;
  status?: number;
  waits: number[];
  /** Store-wide pauses, in ms after T0. */
  pauses?: number[];
  stats?: { rateLimited?: number; serverErrors?: number };
}

const resetError = new TypeError(
  `error sending request for url (${BASE_URL}/sales): connection reset by peer ${TOKEN}`,
);

const matrix: MatrixRow[] = [
  {
    name: "429 with an HTTP-date Retry-After waits until that date",
    steps: [tooMany({ "retry-after": new Date(T0 + 7000).toUTCString() }), ok],
    waits: [7000],
    pauses: [7000],
    stats: { rateLimited: 1 },
  },
  {
    name: "429 with Retry-After in seconds waits that long",
    steps: [tooMany({ "retry-after": "3" }), ok],
    waits: [3000],
    pauses: [3000],
    stats: { rateLimited: 1 },
  },
  {
    name: "429 without Retry-After waits the fallback",
    steps: [tooMany(), ok],
    waits: [1000],
    pauses: [1000],
  },
  {
    name: "429 with a garbage Retry-After waits the fallback",
    steps: [tooMany({ "retry-after": "soon-ish" }), ok],
    waits: [1000],
    pauses: [1000],
  },
  {
    name: "503 then 200 backs off once",
    steps: [json(503, { error: "Service Unavailable" }), ok],
    waits: [250],
    stats: { serverErrors: 1 },
  },
  {
    name: "500, 502 then 200 backs off exponentially",
    steps: [raw(500, "oops"), raw(502, "<html>bad gateway</html>"), ok],
    waits: [250, 500],
    stats: { serverErrors: 2 },
  },
  { name: "connection reset then 200 backs off", steps: [fails(resetError), ok], waits: [250] },
  {
    name: "timeout then 200 backs off",
    steps: [fails(new DOMException("Signal timed out", "TimeoutError")), ok],
    waits: [250],
  },
  {
    name: "truncated JSON then 200 backs off",
    steps: [raw(200, '{"data":[{"id":'), ok],
    waits: [250],
  },
  { name: "empty 200 body then 200 backs off", steps: [raw(200, ""), ok], waits: [250] },
  ...[400, 404, 409, 422].map((status): MatrixRow => ({
    name: `${status} fails at once as a request error`,
    steps: [json(status, { error: "Bad", message: `token ${TOKEN} rejected` })],
    error: LightspeedRequestError,
    status,
    waits: [],
  })),
  ...[401, 403].map((status): MatrixRow => ({
    name: `${status} fails at once as a configuration error`,
    steps: [json(status, { error: "Unauthorized", echoed: `Bearer ${TOKEN}` })],
    error: LightspeedConfigurationError,
    status,
    waits: [],
  })),
  ...[301, 302, 303, 307, 308].map((status): MatrixRow => ({
    name: `a ${status} redirect fails at once, never followed`,
    steps: [redirect(status, "https://elsewhere.example/api/2.0/sales")],
    error: LightspeedRedirectError,
    status,
    waits: [],
  })),
  {
    name: "a redirect to the same origin is not followed either",
    steps: [redirect(302, `${BASE_URL}/sales?after=1`)],
    error: LightspeedRedirectError,
    status: 302,
    waits: [],
  },
  {
    name: "429 with a Retry-After of two weeks waits the 10-minute cap, store-wide too",
    steps: [tooMany({ "retry-after": String(14 * 24 * 3600) }), ok],
    deadlineInMs: 3_600_000,
    waits: [600_000],
    pauses: [600_000],
  },
  {
    name: "429 with an HTTP date a year ahead waits the cap",
    steps: [tooMany({ "retry-after": new Date(T0 + 365 * 24 * 3600_000).toUTCString() }), ok],
    deadlineInMs: 3_600_000,
    waits: [600_000],
    pauses: [600_000],
  },
  {
    name: "exhausted attempts on 5xx throw the last server error",
    steps: [raw(500, "a"), raw(503, "b"), raw(502, "c")],
    maxAttempts: 3,
    error: LightspeedServerError,
    status: 502,
    waits: [250, 500],
    stats: { serverErrors: 3 },
  },
  {
    name: "exhausted attempts on 429 throw a rate-limit error and still pause the store",
    steps: [tooMany({ "retry-after": "2" }), tooMany({ "retry-after": "2" })],
    maxAttempts: 2,
    error: LightspeedRateLimitError,
    status: 429,
    waits: [2000],
    pauses: [2000, 4000],
    stats: { rateLimited: 2 },
  },
  {
    name: "exhausted attempts on network errors throw a network error",
    steps: [fails(resetError), fails(resetError)],
    maxAttempts: 2,
    error: LightspeedNetworkError,
    waits: [250],
  },
  {
    name: "exhausted attempts on timeouts throw a timeout error",
    steps: [fails(new DOMException("Signal timed out", "TimeoutError"))],
    maxAttempts: 1,
    error: LightspeedTimeoutError,
    waits: [],
  },
  {
    name: "exhausted attempts on bad JSON throw a response error",
    steps: [raw(200, "{"), raw(200, "[")],
    maxAttempts: 2,
    error: LightspeedResponseError,
    waits: [250],
  },
  {
    name: "a Retry-After past the deadline throws at once without sleeping",
    steps: [tooMany({ "retry-after": "120" })],
    deadlineInMs: 60_000,
    error: DeadlineExceededError,
    waits: [],
    pauses: [120_000],
  },
  {
    name: "a backoff past the deadline throws at once without sleeping",
    steps: [raw(503, "busy"), raw(503, "busy")],
    deadlineInMs: 300,
    error: DeadlineExceededError,
    waits: [250],
    stats: { serverErrors: 2 },
  },
];

for (const row of matrix) {
  Deno.test(`getJson() failure matrix: ${row.name}`, async () => {
    const { client, time, calls, requests } = harness(row.steps, {
      maxAttempts: row.maxAttempts,
      warn: () => {},
    });
    const deadline = T0 + (row.deadlineInMs ?? 600_000);
    const call = client.getJson("/sales", { after: 0 }, { deadline });

    if (row.error) {
      const error = await call.then(
        () => assert.fail("getJson() resolved, expected a failure"),
        (error: unknown) => error,
      );
      assert.ok(error instanceof row.error, `expected ${row.error.name}, got ${error}`);
      assert.ok(!error.message.includes(TOKEN), `message leaks the token: ${error.message}`);
      if (row.status !== undefined) {
        assert.ok(error instanceof LightspeedHttpError);
        assert.equal(error.status, row.status);
        assert.equal(error.path, "/sales");
        assert.ok(!error.bodyExcerpt.includes(TOKEN), "body excerpt leaks the token");
      }
      if (row.error !== DeadlineExceededError) {
        assert.ok(error instanceof LightspeedError);
        assert.equal(error.attempts, row.steps.length);
      }
      assert.ok(!JSON.stringify(error).includes(TOKEN));
    } else {
      const reply = await call;
      assert.deepEqual(reply.body, OK_BODY);
      assert.deepEqual(JSON.parse(reply.reply.text), OK_BODY, "the text the body was parsed from");
    }
    assert.equal(requests.length, row.steps.length, "requests sent");
    assert.equal(calls.acquires, row.steps.length, "budget claimed before every request");
    assert.deepEqual(time.sleeps, row.waits, "waits");
    assert.deepEqual(calls.pauses.map((at) => at - T0), row.pauses ?? [], "store-wide pauses");
    assert.ok(time.now() <= deadline, "no wait passed the deadline");
    assert.equal(client.stats.requests, row.steps.length);
    assert.equal(client.stats.retries, row.steps.length - 1);
    assert.equal(client.stats.rateLimited, row.stats?.rateLimited ?? calls.pauses.length);
    assert.equal(client.stats.serverErrors, row.stats?.serverErrors ?? 0);
  });
}

Deno.test("getJson() sends the Bearer token and query parameters under the base path", async () => {
  const { client, requests } = harness([ok]);
  await client.getJson("/customers", {
    after: 42,
    page_size: 200,
    deleted: true,
    before: undefined,
  }, {
    deadline: T0 + 1000,
  });
  const url = new URL(requests[0].url);
  assert.equal(url.origin + url.pathname, `${BASE_URL}/customers`);
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    after: "42",
    page_size: "200",
    deleted: "true",
  });
  assert.equal(requests[0].headers.get("authorization"), `Bearer ${TOKEN}`);
  assert.equal(requests[0].method, "GET");
});

Deno.test("getJson() throws the budget's deadline error without sending", async () => {
  const { client, requests } = harness([ok], {
    budget: {
      acquire: ({ deadline }) =>
        Promise.reject(new DeadlineExceededError("budget", 5000, deadline)),
      pauseUntil: () => Promise.resolve(),
    },
  });
  await assert.rejects(
    client.getJson("/sales", {}, { deadline: T0 + 1000 }),
    DeadlineExceededError,
  );
  assert.equal(requests.length, 0);
});

Deno.test("getJson() refuses to send once the deadline has passed", async () => {
  const { client, requests } = harness([ok]);
  await assert.rejects(client.getJson("/sales", {}, { deadline: T0 }), DeadlineExceededError);
  assert.equal(requests.length, 0);
});

Deno.test("getJson() stops waiting when the caller aborts", async () => {
  const controller = new AbortController();
  const { client, time } = harness([json(503, {}), ok], {
    clock: {
      now: () => T0,
      sleep: (_ms, signal) => {
        controller.abort(new Error("Shutting down"));
        signal?.throwIfAborted();
        return Promise.resolve();
      },
    },
  });
  await assert.rejects(
    client.getJson("/sales", {}, { deadline: T0 + 60_000, signal: controller.signal }),
    /Shutting down/,
  );
  assert.deepEqual(time.sleeps, []);
});

Deno.test("getJson() turns ky's per-attempt timeout into LightspeedTimeoutError", async () => {
  // The only real timer in this file: ky's own 5 ms request timeout.
  const hangUntilAborted = (_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
    });
  const { client } = harness([], { fetch: hangUntilAborted, requestTimeoutMs: 5, maxAttempts: 1 });
  const error = await client.getJson("/sales", {}, { deadline: T0 + 60_000 }).catch((e) => e);
  assert.ok(error instanceof LightspeedTimeoutError, `got ${error}`);
  assert.equal(error.timeoutMs, 5);
});

Deno.test("getJson() never puts the token in a network error", async () => {
  const { client } = harness([fails(resetError)], { maxAttempts: 1 });
  const error = await client.getJson("/sales", {}, { deadline: T0 + 60_000 }).catch((e) => e);
  assert.ok(error instanceof LightspeedNetworkError);
  assert.match(error.message, /connection reset by peer \[redacted\]/);
});

Deno.test("createLightspeedClient() rejects an empty token", () => {
  assert.throws(
    () => createLightspeedClient({ baseUrl: BASE_URL, token: " ", budget: fakeBudget().budget }),
    /token must not be empty/,
  );
});

Deno.test("getJson() refuses an absolute URL so the token never leaves the base URL", async () => {
  const { client, requests } = harness([ok]);
  await assert.rejects(
    client.getJson("https://evil.example/steal", {}, { deadline: T0 + 1000 }),
    /path must be relative to the API base/,
  );
  assert.equal(requests.length, 0);
});

Deno.test("getJson() asks fetch not to follow redirects", async () => {
  const { client, requests } = harness([ok]);
  await client.getJson("/sales", {}, { deadline: T0 + 1000 });
  assert.equal(requests[0].redirect, "manual");
});

Deno.test("a redirect's error names the path and the Location's origin, nothing more", async () => {
  const location = `https://evil.example:8443/steal?token=${TOKEN}&keep=1`;
  const { client, requests } = harness([redirect(302, location)]);
  const error = await client.getJson("/sales", { after: 7 }, { deadline: T0 + 60_000 })
    .catch((e) => e);
  assert.ok(error instanceof LightspeedRedirectError, String(error));
  assert.equal(error.locationOrigin, "https://evil.example:8443");
  assert.match(error.message, /"\/sales" with a redirect \(302\) to https:\/\/evil\.example:8443;/);
  assert.match(error.message, /never followed/);
  assert.ok(!error.message.includes("steal") && !error.message.includes(TOKEN), error.message);
  assert.equal(requests.length, 1);
});

Deno.test("a redirect without a usable Location still fails, saying so", async () => {
  for (
    const [step, said] of [
      [() => new Response("", { status: 302 }), "no Location"],
      [redirect(301, "/api/2.0/elsewhere"), "the same origin (a relative Location)"],
      [redirect(307, "http://[not a host"), "an unreadable Location"],
    ] as const
  ) {
    const { client } = harness([step]);
    const error = await client.getJson("/sales", {}, { deadline: T0 + 60_000 }).catch((e) => e);
    assert.ok(error instanceof LightspeedRedirectError, String(error));
    assert.equal(error.locationOrigin, said);
  }
});

/** A 200 whose valid JSON body is `bytes` long, made as it is read; counts what was made. */
function bigPage(bytes: number, headers: Record<string, string> = {}) {
  const made = { bytes: 0 };
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  const step: Step = () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          const head = new TextEncoder().encode(JSON.stringify(OK_BODY));
          made.bytes += head.length;
          return controller.enqueue(head);
        }
        if (made.bytes >= bytes) return controller.close();
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - made.bytes));
        made.bytes += part.length;
        controller.enqueue(part);
      },
    }, { highWaterMark: 0 });
    return new Response(body, { status: 200, headers });
  };
  return { step, made };
}

Deno.test("getJson() refuses a reply over the size cap at once, having read only the cap", async () => {
  const { step, made } = bigPage(16 * 1024 * 1024);
  const { client, time, requests } = harness([step, ok], { maxReplyBytes: 1024 * 1024 });
  const error = await client.getJson("/sales", {}, { deadline: T0 + 60_000 }).catch((e) => e);
  assert.ok(error instanceof LightspeedReplyTooLargeError, String(error));
  assert.equal(error.maxBytes, 1024 * 1024);
  assert.match(error.message, /reply for "\/sales" is larger than 1 MiB.*LIGHTSPEED_PAGE_SIZE/);
  assert.ok(made.bytes <= 1024 * 1024 + 64 * 1024, `read ${made.bytes} bytes of 16 MiB`);
  // The same request brings the same page back: no retry, no wait.
  assert.equal(requests.length, 1);
  assert.deepEqual(time.sleeps, []);
});

Deno.test("getJson() refuses a reply whose content-length is over the cap without reading it", async () => {
  const { step, made } = bigPage(4 * 1024 * 1024, { "content-length": String(4 * 1024 * 1024) });
  const { client } = harness([step], { maxReplyBytes: 1024 * 1024 });
  const error = await client.getJson("/sales", {}, { deadline: T0 + 60_000 }).catch((e) => e);
  assert.ok(error instanceof LightspeedReplyTooLargeError, String(error));
  assert.ok(made.bytes <= 64 * 1024, `read ${made.bytes} bytes`);
});

Deno.test("getJson() takes a reply up to the cap, and reads only an error's start", async () => {
  const fits = bigPage(1024 * 1024);
  const { client } = harness([fits.step], { maxReplyBytes: 1024 * 1024 });
  assert.deepEqual((await client.getJson("/sales", {}, { deadline: T0 + 60_000 })).body, OK_BODY);
  const huge = bigPage(32 * 1024 * 1024);
  const huge503: Step = () => new Response(huge.step().body, { status: 503 });
  const retried = harness([huge503, ok]);
  await retried.client.getJson("/sales", {}, { deadline: T0 + 60_000 });
  assert.ok(huge.made.bytes <= 128 * 1024, `read ${huge.made.bytes} bytes of an error reply`);
});

Deno.test("getJson() logs a capped Retry-After once per client, without secrets", async () => {
  const lines: string[] = [];
  const fortnight = String(14 * 24 * 3600);
  const { client, time, calls } = harness(
    [tooMany({ "retry-after": fortnight }), tooMany({ "retry-after": fortnight }), ok, ok],
    { maxRetryAfterMs: 60_000, warn: (line) => lines.push(line) },
  );
  await client.getJson("/sales", {}, { deadline: T0 + 600_000 });
  await client.getJson("/sales", {}, { deadline: T0 + 600_000 });
  assert.deepEqual(time.sleeps, [60_000, 60_000]);
  assert.deepEqual(calls.pauses.map((at) => at - T0), [60_000, 120_000]);
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0], /asked to wait 1209600000 ms before retrying "\/sales"/);
  assert.match(lines[0], /waiting 60000 ms instead, the cap LIGHTSPEED_MAX_RETRY_AFTER_MS sets/);
  assert.ok(!lines[0].includes(TOKEN));
});

Deno.test("createLightspeedClient() takes https, and plain http only to a loopback host", () => {
  const { budget } = fakeBudget();
  const make = (baseUrl: string) => createLightspeedClient({ baseUrl, token: TOKEN, budget });
  for (
    const baseUrl of [
      "https://mystore.retail.lightspeed.app/api/2.0",
      "http://127.0.0.1:54330/api/2.0",
      "http://localhost:54330/api/2.0",
      "http://[::1]:54330/api/2.0",
    ]
  ) make(baseUrl);
  for (
    const baseUrl of [
      "http://mystore.retail.lightspeed.app/api/2.0?secret=1",
      "http://192.168.1.5/api/2.0",
      "ftp://127.0.0.1/api/2.0",
    ]
  ) {
    assert.throws(() => make(baseUrl), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /must start with "https:\/\/" \("http:\/\/" only for a loopback/);
      assert.ok(!error.message.includes("secret"), error.message);
      return true;
    });
  }
  assert.throws(() => make("not a url"), /got a value that is not a URL/);
});

Deno.test("over the wire: a redirect is not followed, so the token never reaches its target", async () => {
  // The target records every request it gets; a followed redirect would show up here.
  const reached: { authorization: string | null }[] = [];
  const target = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    reached.push({ authorization: request.headers.get("authorization") });
    return Response.json(OK_BODY);
  });
  const simulator = await startSimulator({ port: 0, seed: 3, scale: "demo" });
  try {
    const targetOrigin = `http://127.0.0.1:${target.addr.port}`;
    await fetch(`${simulator.controlUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        faults: [{ type: "redirect", location: `${targetOrigin}/api/2.0/sales`, path: "/sales" }],
      }),
    }).then((reply) => reply.body?.cancel());
    const client = createLightspeedClient({
      baseUrl: simulator.apiBaseUrl,
      token: simulator.token,
      budget: fakeBudget().budget,
    });
    const error = await client.getJson("/sales", {}, { deadline: Date.now() + 10_000 })
      .catch((e) => e);
    assert.ok(error instanceof LightspeedRedirectError, String(error));
    assert.equal(error.locationOrigin, targetOrigin);
    assert.deepEqual(reached, [], "the redirect's target got no request");
    assert.equal(client.stats.requests, 1);
  } finally {
    await simulator.stop();
    await target.shutdown();
  }
});

Deno.test("over the wire: an endless-looking reply stops at the cap, and the next one is served", async () => {
  const simulator = await startSimulator({ port: 0, seed: 3, scale: "demo" });
  try {
    await fetch(`${simulator.controlUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults: [{ type: "oversized", bytes: 2 ** 34, path: "/outlets" }] }),
    }).then((reply) => reply.body?.cancel());
    const client = createLightspeedClient({
      baseUrl: simulator.apiBaseUrl,
      token: simulator.token,
      budget: fakeBudget().budget,
      maxReplyBytes: 4 * 1024 * 1024,
    });
    const started = Date.now();
    const error = await client.getJson("/outlets", {}, { deadline: Date.now() + 20_000 })
      .catch((e) => e);
    assert.ok(error instanceof LightspeedReplyTooLargeError, String(error));
    // 16 GiB read whole would take minutes; stopping at 4 MiB takes a moment.
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    assert.equal(client.stats.requests, 1);
    const next = await client.getJson("/outlets", {}, { deadline: Date.now() + 10_000 });
    assert.ok(Array.isArray((next.body as { data: unknown[] }).data));
  } finally {
    await simulator.stop();
  }
});

/** A token provider whose renew hands out "renewed-N" and records what it was told. */
function renewingProvider() {
  const rejected: string[] = [];
  let current = "oauth-access-1";
  const provider: TokenProvider = {
    known: new Set([current]),
    current: () => Promise.resolve(current),
    renew: (token) => {
      rejected.push(token);
      current = `oauth-access-${rejected.length + 1}`;
      return Promise.resolve(current);
    },
  };
  return { provider, rejected };
}

const unauthorized = json(401, { error: "Unauthorized", message: "expired" });

Deno.test("getJson() with a token provider: a 401 renews the token once and retries", async () => {
  const { provider, rejected } = renewingProvider();
  const { client, requests, time } = harness([unauthorized, ok], { token: provider });
  const reply = await client.getJson("sales", {}, { deadline: T0 + 60_000 });
  assert.deepEqual(reply.body, OK_BODY);
  assert.deepEqual(rejected, ["oauth-access-1"]);
  assert.deepEqual(requests.map((r) => r.headers.get("authorization")), [
    "Bearer oauth-access-1",
    "Bearer oauth-access-2",
  ]);
  assert.equal(time.now(), T0, "no backoff before the retry");
});

Deno.test("getJson() with a token provider: a second 401 is final, no second renewal", async () => {
  const { provider, rejected } = renewingProvider();
  const { client, requests } = harness([unauthorized, unauthorized, ok], { token: provider });
  await assert.rejects(
    client.getJson("sales", {}, { deadline: T0 + 60_000 }),
    LightspeedConfigurationError,
  );
  assert.equal(rejected.length, 1);
  assert.equal(requests.length, 2);
});

Deno.test("getJson() with a personal token: a 401 is final at once", async () => {
  const { client, requests } = harness([unauthorized, ok]);
  await assert.rejects(
    client.getJson("sales", {}, { deadline: T0 + 60_000 }),
    LightspeedConfigurationError,
  );
  assert.equal(requests.length, 1);
});

Deno.test("getJson() keeps Lightspeed's rate-limit headers of the latest reply that had them", async () => {
  const limits = (remaining: string) => ({
    "x-ratelimit-limit": "350",
    "x-ratelimit-remaining": remaining,
  });
  const { client } = harness([
    json(200, OK_BODY, limits("40")),
    tooMany(limits("0")),
    ok,
  ]);
  assert.deepEqual([client.stats.rateLimitLimit, client.stats.rateLimitRemaining], [null, null]);
  await client.getJson("sales", {}, { deadline: T0 + 60_000 });
  assert.deepEqual([client.stats.rateLimitLimit, client.stats.rateLimitRemaining], [350, 40]);
  // The 429 said 0 remaining; the retry's reply said nothing, so the 0 stays.
  await client.getJson("sales", {}, { deadline: T0 + 60_000 });
  assert.deepEqual([client.stats.rateLimitLimit, client.stats.rateLimitRemaining], [350, 0]);
});

Deno.test("getJson() leaves the rate-limit figures null when no reply carries the headers", async () => {
  const { client } = harness([ok, ok]);
  await client.getJson("sales", {}, { deadline: T0 + 60_000 });
  await client.getJson("sales", {}, { deadline: T0 + 60_000 });
  assert.equal(client.stats.requests, 2);
  assert.deepEqual([client.stats.rateLimitLimit, client.stats.rateLimitRemaining], [null, null]);
});
