import assert from "node:assert/strict";
import {
  allowedRule,
  defaultRateSafety,
  lightspeedRule,
  requestsNeeded,
  requestsNeededForRecords,
  slidingWindowBoundMs,
  timeline,
} from "./bounds.ts";
import { SlidingWindowRateLimiter } from "../simulator/rate_limiter.ts";

Deno.test("Lightspeed's rule, time-scaled: 300 per register plus 50 per 5 minutes", () => {
  assert.deepEqual(lightspeedRule(1, 10), { limit: 350, windowMs: 30_000 });
  assert.deepEqual(lightspeedRule(3, 1), { limit: 950, windowMs: 300_000 });
});

Deno.test("the exact sliding-window bound, worked out by hand for 3 requests per 10 ms", () => {
  const rule = { limit: 3, windowMs: 10 };
  // Nothing to send, or one request: no waiting.
  assert.equal(slidingWindowBoundMs(0, rule), 0);
  assert.equal(slidingWindowBoundMs(1, rule), 0);
  // Requests 1-3 go at 0 ms; the 4th waits until the 1st has left the window (10 ms).
  assert.equal(slidingWindowBoundMs(3, rule), 0);
  assert.equal(slidingWindowBoundMs(4, rule), 10);
  // The 5th and 6th follow the 2nd and 3rd at 10 ms; the 7th follows the 4th at 20 ms.
  assert.equal(slidingWindowBoundMs(6, rule), 10);
  assert.equal(slidingWindowBoundMs(7, rule), 20);
  // 10 requests: 0,0,0 | 10,10,10 | 20,20,20 | 30.
  assert.equal(slidingWindowBoundMs(10, rule), 30);
});

Deno.test("the exact bound is when the simulator's own limiter lets the last request through", () => {
  for (const [limit, windowMs, requests] of [[3, 10, 10], [5, 7, 23], [350, 15_000, 2044]]) {
    let now = 0;
    const limiter = new SlidingWindowRateLimiter(limit, windowMs, () => now);
    // A client that sends each request the moment the limiter would accept it.
    for (let sent = 0; sent < requests;) {
      const decision = limiter.tryAcquire();
      if (decision.allowed) sent++;
      else now = decision.retryAtMs;
    }
    assert.equal(slidingWindowBoundMs(requests, { limit, windowMs }), now, `${limit}/${windowMs}`);
  }
});

Deno.test("the rule the engine allows itself: floor(limit × safety) per window", () => {
  assert.equal(defaultRateSafety, 1);
  // 350 × 0.9 = 315; 50 × 0.9 = 45; 10 × 0.25 = 2.5, rounded down to 2.
  assert.deepEqual(allowedRule({ limit: 350, windowMs: 15_000 }, 0.9), {
    limit: 315,
    windowMs: 15_000,
  });
  assert.equal(allowedRule({ limit: 50, windowMs: 1 }, 0.9).limit, 45);
  assert.equal(allowedRule({ limit: 10, windowMs: 1 }, 0.25).limit, 2);
  // The 2026-12-03 run's import: 2,044 requests at 350 per 15 s take 5 windows (75 s) at
  // least; at the 315 per 15 s the engine then allowed itself (0.9), 6 windows (90 s):
  // 2,043 ÷ 315 = 6.49. At the default of 1, the bound itself.
  const rule = { limit: 350, windowMs: 15_000 };
  assert.equal(slidingWindowBoundMs(2044, rule), 75_000);
  assert.equal(slidingWindowBoundMs(2044, allowedRule(rule, 0.9)), 90_000);
  assert.equal(slidingWindowBoundMs(2044, allowedRule(rule, defaultRateSafety)), 75_000);
});

Deno.test("requests an import needs: every page plus each entity's empty last page", () => {
  assert.equal(requestsNeeded([0, 3, 10]), 1 + 4 + 11);
  // 0 records: just the empty page; 30 in pages of 30: one full page and the empty one.
  assert.equal(
    requestsNeededForRecords([
      { records: 0, pageSize: 30 },
      { records: 30, pageSize: 30 },
      { records: 31, pageSize: 30 },
    ]),
    1 + 2 + 3,
  );
});

Deno.test("an import's timeline: before the first request, first to last, after, per window", () => {
  // Started at 1,000 ms; requests at 1,200, 1,300, 2,250 and 3,300 ms; done 3,500 ms later.
  const result = timeline([1_200, 1_300, 2_250, 3_300], 1_000, 3_500, 1_000);
  assert.deepEqual(result, {
    beforeFirstRequestMs: 200,
    firstToLastRequestMs: 2_100,
    afterLastRequestMs: 1_200,
    // Windows from the first request: [1,200, 2,200) holds two, [2,200, 3,200) one, then one.
    requestsPerWindow: [2, 1, 1],
  });
  assert.deepEqual(timeline([], 0, 10, 1_000).requestsPerWindow, []);
});
