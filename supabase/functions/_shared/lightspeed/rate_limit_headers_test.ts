import assert from "node:assert/strict";
import { readRateLimitHeaders } from "./rate_limit_headers.ts";

Deno.test("rate-limit headers are read when present and whole numbers", () => {
  assert.deepEqual(
    readRateLimitHeaders(
      new Headers({ "X-RateLimit-Limit": "350", "x-ratelimit-remaining": " 12 " }),
    ),
    { limit: 350, remaining: 12 },
  );
  assert.deepEqual(readRateLimitHeaders(new Headers({ "X-RateLimit-Remaining": "0" })), {
    limit: null,
    remaining: 0,
  });
});

Deno.test("absent or unusable rate-limit headers are null, never a guess", () => {
  assert.deepEqual(readRateLimitHeaders(new Headers()), { limit: null, remaining: null });
  for (const value of ["-1", "1.5", "lots", "", "1e3", "12345678901"]) {
    const headers = new Headers({ "X-RateLimit-Limit": value, "X-RateLimit-Remaining": value });
    assert.deepEqual(readRateLimitHeaders(headers), { limit: null, remaining: null }, value);
  }
});
