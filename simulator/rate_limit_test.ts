import assert from "node:assert/strict";
import {
  lightspeedRequestLimit,
  retryAfterHttpDate,
  SlidingWindowRateLimiter,
} from "./rate_limiter.ts";
import { apiGet, control, withSimulator } from "./test_support.ts";

Deno.test("the budget is 300 per register plus 50", () => {
  assert.equal(lightspeedRequestLimit(1), 350);
  assert.equal(lightspeedRequestLimit(9), 2750);
});

Deno.test("the sliding window frees a slot when the oldest request leaves it", () => {
  let now = 10_000;
  const limiter = new SlidingWindowRateLimiter(3, 1000, () => now);
  assert.equal(limiter.tryAcquire().allowed, true);
  now += 400;
  assert.equal(limiter.tryAcquire().allowed, true);
  assert.equal(limiter.tryAcquire().allowed, true);
  assert.deepEqual(limiter.tryAcquire(), { allowed: false, retryAtMs: 11_000 });
  now = 10_999;
  assert.equal(limiter.tryAcquire().allowed, false, "rejections do not extend the window");
  now = 11_000;
  assert.equal(limiter.tryAcquire().allowed, true);
  assert.equal(limiter.tryAcquire().allowed, false);
});

Deno.test("Retry-After is an HTTP date rounded up to the next whole second", () => {
  assert.equal(
    retryAfterHttpDate(Date.UTC(2020, 6, 15, 15, 4, 4, 1)),
    "Wed, 15 Jul 2020 15:04:05 GMT",
  );
  assert.equal(
    retryAfterHttpDate(Date.UTC(2020, 6, 15, 15, 4, 5)),
    "Wed, 15 Jul 2020 15:04:05 GMT",
  );
});

Deno.test("request N+1 in the window gets 429 with an HTTP-date Retry-After", async () => {
  let now = Date.UTC(2025, 0, 1, 0, 0, 0, 250);
  const start = now;
  await withSimulator({ outlets: 1, registers: 1, timeScale: 100, now: () => now }, async (sim) => {
    const summary = await control(sim, "GET", "/summary");
    assert.deepEqual(
      { limit: summary.rateLimit.limit, windowMs: summary.rateLimit.windowMs },
      { limit: 350, windowMs: 3000 },
    );
    for (let i = 0; i < 350; i++) {
      assert.equal((await apiGet(sim, "/outlets")).status, 200, `request ${i + 1}`);
      now += 1;
    }
    const limited = await apiGet(sim, "/outlets");
    assert.equal(limited.status, 429);
    assert.deepEqual(limited.body, {
      error: "Too Many Requests",
      message: "Rate limiting enforced",
    });
    const retryAfter = limited.headers.get("retry-after")!;
    assert.match(retryAfter, /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
    // The oldest request (at `start`) leaves the 3 s window at start + 3000, rounded up.
    assert.equal(Date.parse(retryAfter), Math.ceil((start + 3000) / 1000) * 1000);
    assert.equal((await apiGet(sim, "/sales")).status, 429);

    let stats = await control(sim, "GET", "/stats");
    assert.equal(stats.violations, 2);
    assert.equal(stats.rateLimited, 2);
    assert.equal(stats.served, 350);

    now = Date.parse(retryAfter);
    assert.equal((await apiGet(sim, "/outlets")).status, 200, "allowed again at Retry-After");
    stats = await control(sim, "GET", "/stats");
    assert.equal(stats.violations, 2);
  });
});

Deno.test("with a real clock the time-scaled window opens again after Retry-After", async () => {
  await withSimulator({ outlets: 1, registers: 1, timeScale: 300 }, async (sim) => {
    // 350 requests per 1 s window; a fast loop exhausts it before the window slides far.
    let reply = await apiGet(sim, "/registers");
    for (let sent = 1; reply.status === 200 && sent < 2000; sent++) {
      reply = await apiGet(sim, "/registers");
    }
    assert.equal(reply.status, 429, "the limit was reached");
    const waitMs = Date.parse(reply.headers.get("retry-after")!) - Date.now();
    assert.ok(waitMs <= 2000, `Retry-After ${waitMs} ms ahead fits a 1 s window`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
    assert.equal((await apiGet(sim, "/registers")).status, 200);
  });
});
