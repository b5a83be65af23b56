// Lightspeed's own view of its rate budget, from X-RateLimit-Limit and X-RateLimit-Remaining.
// Lightspeed does not document these headers (they appear only in third-party summaries), so
// each is read only when present and a whole number; anything else is null, never a guess.

/** What one reply said of Lightspeed's budget; null where it said nothing usable. */
export interface RateLimitHeaders {
  limit: number | null;
  remaining: number | null;
}

// Up to 9 digits: any real budget, and always a safe integer that fits PostgreSQL's integer.
const WHOLE_NUMBER = /^\d{1,9}$/;

function wholeNumber(value: string | null): number | null {
  const trimmed = value?.trim() ?? "";
  return WHOLE_NUMBER.test(trimmed) ? Number(trimmed) : null;
}

export function readRateLimitHeaders(headers: Headers): RateLimitHeaders {
  return {
    limit: wholeNumber(headers.get("x-ratelimit-limit")),
    remaining: wholeNumber(headers.get("x-ratelimit-remaining")),
  };
}
