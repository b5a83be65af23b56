import assert from "node:assert/strict";
import { DeadlineExceededError } from "../deadline.ts";
import {
  LightspeedConfigurationError,
  LightspeedNetworkError,
  LightspeedRateLimitError,
  LightspeedRedirectError,
  LightspeedReplyTooLargeError,
  LightspeedRequestError,
  LightspeedResponseError,
  LightspeedServerError,
  LightspeedTimeoutError,
} from "./errors.ts";
import {
  BACKOFF_CAP_MS,
  backoffDelay,
  classify,
  isPermanentFailure,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  RATE_LIMIT_FALLBACK_MS,
  rateLimitDelay,
  rateLimitWait,
} from "./retry_policy.ts";
import { settings } from "../settings.ts";

const NOW = Date.parse("2020-07-15T15:04:00Z");

Deno.test("parseRetryAfter() reads delta-seconds", () => {
  assert.equal(parseRetryAfter("120", NOW), 120_000);
  assert.equal(parseRetryAfter(" 0 ", NOW), 0);
});

Deno.test("parseRetryAfter() reads an HTTP date relative to now", () => {
  assert.equal(parseRetryAfter("Wed, 15 Jul 2020 15:04:05 GMT", NOW), 5000);
});

Deno.test("parseRetryAfter() treats a date in the past as no wait", () => {
  assert.equal(parseRetryAfter("Wed, 15 Jul 2020 15:03:00 GMT", NOW), 0);
});

Deno.test("parseRetryAfter() returns undefined for absent or garbage headers", () => {
  for (const header of [null, undefined, "", "  ", "soon", "-5", "1.5", "12abc", "Wed", "2 GMT"]) {
    assert.equal(parseRetryAfter(header, NOW), undefined, `header ${JSON.stringify(header)}`);
  }
  assert.equal(parseRetryAfter("Foo, 99 Bar 2020 99:99:99 GMT", NOW), undefined);
});

Deno.test("rateLimitDelay() falls back when Retry-After is unusable", () => {
  assert.equal(rateLimitDelay(null, NOW), RATE_LIMIT_FALLBACK_MS);
  assert.equal(rateLimitDelay("garbage", NOW, 300), 300);
  assert.equal(rateLimitDelay("2", NOW, 300), 2000);
});

Deno.test("rateLimitWait() never waits longer than the cap, and says when it cut an ask", () => {
  // Two weeks, as a header might say: one reply would otherwise stop the whole store.
  const twoWeeks = String(14 * 24 * 3600);
  assert.deepEqual(rateLimitWait(twoWeeks, NOW), {
    waitMs: MAX_RETRY_AFTER_MS,
    cappedAskMs: 14 * 24 * 3600 * 1000,
  });
  assert.deepEqual(rateLimitWait("Wed, 15 Jul 2030 15:04:00 GMT", NOW, { capMs: 5000 }), {
    waitMs: 5000,
    cappedAskMs: Date.parse("2030-07-15T15:04:00Z") - NOW,
  });
  assert.deepEqual(rateLimitWait("5", NOW, { capMs: 5000 }), { waitMs: 5000 }, "at the cap");
  assert.deepEqual(rateLimitWait("3", NOW, { capMs: 5000 }), { waitMs: 3000 });
  assert.deepEqual(rateLimitWait(null, NOW, { fallbackMs: 9000, capMs: 5000 }), { waitMs: 5000 });
  assert.equal(rateLimitDelay("600", NOW, 300, 2000), 2000);
});

Deno.test("MAX_RETRY_AFTER_MS is LIGHTSPEED_MAX_RETRY_AFTER_MS's default: 10 minutes", () => {
  assert.equal(MAX_RETRY_AFTER_MS, 10 * 60_000);
  assert.equal(settings.LIGHTSPEED_MAX_RETRY_AFTER_MS.shape.default, MAX_RETRY_AFTER_MS);
});

Deno.test("backoffDelay() grows exponentially with full jitter up to the cap", () => {
  const nearlyOne = () => 0.999999;
  assert.equal(backoffDelay({ attempt: 1, random: () => 0 }), 0);
  assert.equal(backoffDelay({ attempt: 1, random: () => 0.5 }), 250);
  assert.equal(backoffDelay({ attempt: 2, random: () => 0.5 }), 500);
  assert.equal(backoffDelay({ attempt: 3, random: () => 0.5 }), 1000);
  assert.equal(backoffDelay({ attempt: 7, random: nearlyOne }), 29_999);
  assert.equal(backoffDelay({ attempt: 40, random: nearlyOne }), BACKOFF_CAP_MS - 1);
  assert.equal(backoffDelay({ attempt: 3, random: () => 0.5, baseMs: 10, capMs: 15 }), 7);
});

Deno.test("classify() sorts statuses into retry classes", () => {
  const cases: [number, string][] = [
    [200, "success"],
    [204, "success"],
    [429, "rate_limited"],
    [500, "server_error"],
    [502, "server_error"],
    [503, "server_error"],
    [408, "server_error"],
    [401, "configuration"],
    [403, "configuration"],
    [400, "request"],
    [404, "request"],
    [409, "request"],
    [422, "request"],
    // Once a plain request error; now its own class, since fetch no longer follows it.
    [301, "redirect"],
    [302, "redirect"],
    [303, "redirect"],
    [307, "redirect"],
    [308, "redirect"],
  ];
  for (const [status, expected] of cases) assert.equal(classify(status), expected, `${status}`);
});

Deno.test("isRetryableStatus(): 429, 5xx and 408 may pass later; 401, 403 and other 4xx never", () => {
  for (const status of [429, 500, 502, 503, 504, 408]) {
    assert.equal(isRetryableStatus(status), true);
  }
  for (const status of [400, 401, 403, 404, 409, 422, 301, 302, 307, 308]) {
    assert.equal(isRetryableStatus(status), false);
  }
  assert.equal(isRetryableStatus(200), false, "a success is not a failure to retry");
});

Deno.test("isPermanentFailure(): a refused token, scope or request, a redirect, an oversized reply", () => {
  const details = (status: number) => ({ status, path: "/sales", bodyExcerpt: "" });
  const redirect = new LightspeedRedirectError({ ...details(302), locationOrigin: "https://x" });
  assert.equal(isPermanentFailure(redirect), true);
  assert.equal(isPermanentFailure(new LightspeedReplyTooLargeError("/sales", 1024)), true);
  assert.equal(isPermanentFailure(new LightspeedConfigurationError(details(401))), true);
  assert.equal(isPermanentFailure(new LightspeedConfigurationError(details(403))), true);
  assert.equal(isPermanentFailure(new LightspeedRequestError(details(404))), true);
  assert.equal(isPermanentFailure(new LightspeedServerError(details(503))), false);
  assert.equal(isPermanentFailure(new LightspeedRateLimitError(details(429))), false);
  assert.equal(isPermanentFailure(new LightspeedNetworkError("/sales", "reset")), false);
  assert.equal(isPermanentFailure(new LightspeedTimeoutError("/sales", 30_000)), false);
  assert.equal(isPermanentFailure(new LightspeedResponseError("/sales", "empty body")), false);
  assert.equal(isPermanentFailure(new DeadlineExceededError("a slot", 10, Date.now())), false);
  assert.equal(isPermanentFailure(new Error("database went away")), false);
});
