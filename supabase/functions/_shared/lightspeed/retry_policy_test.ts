import assert from "node:assert/strict";
import { DeadlineExceededError } from "../deadline.ts";
import {
  LightspeedConfigurationError,
  LightspeedNetworkError,
  LightspeedRateLimitError,
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
  parseRetryAfter,
  RATE_LIMIT_FALLBACK_MS,
  rateLimitDelay,
} from "./retry_policy.ts";

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
    [302, "request"],
  ];
  for (const [status, expected] of cases) assert.equal(classify(status), expected, `${status}`);
});

Deno.test("isRetryableStatus(): 429, 5xx and 408 may pass later; 401, 403 and other 4xx never", () => {
  for (const status of [429, 500, 502, 503, 504, 408]) {
    assert.equal(isRetryableStatus(status), true);
  }
  for (const status of [400, 401, 403, 404, 409, 422]) {
    assert.equal(isRetryableStatus(status), false);
  }
  assert.equal(isRetryableStatus(200), false, "a success is not a failure to retry");
});

Deno.test("isPermanentFailure(): only a refused token, scope or request is permanent", () => {
  const details = (status: number) => ({ status, path: "/sales", bodyExcerpt: "" });
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
