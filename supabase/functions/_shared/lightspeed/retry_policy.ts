/**
 * Pure retry decisions for the Lightspeed client: how to treat a status, which failures a retry
 * can fix, how long to back off, how to read Retry-After. The one place retryability is decided.
 * No I/O, no clock: time and randomness come in as arguments.
 */
import { LightspeedHttpError, LightspeedReplyTooLargeError } from "./errors.ts";
import { LightspeedReconnectNeededError } from "./oauth/errors.ts";

/** First backoff step; doubles per attempt before jitter. */
export const BACKOFF_BASE_MS = 500;
/** Longest backoff between two attempts. */
export const BACKOFF_CAP_MS = 30_000;
/** Wait after a 429 without a usable Retry-After (what Lightspeed's Go client does). */
export const RATE_LIMIT_FALLBACK_MS = 30_000;
/**
 * Longest wait a 429 may impose, the default of LIGHTSPEED_MAX_RETRY_AFTER_MS: the wait is
 * shared by the whole store, and Lightspeed's window is 5 minutes, so a longer ask is a broken
 * or hostile header, not a limit to honour.
 */
export const MAX_RETRY_AFTER_MS = 600_000;

/** What the client does with a response status. */
export type StatusClass =
  | "success"
  | "redirect"
  | "rate_limited"
  | "server_error"
  | "configuration"
  | "request";

/** Maps an HTTP status to the client's action class. */
export function classify(status: number): StatusClass {
  if (status >= 200 && status < 300) return "success";
  if (status >= 300 && status < 400) return "redirect";
  if (status === 429) return "rate_limited";
  // 408 is a server-side timeout of an idempotent GET: as safe to retry as a 5xx.
  if (status >= 500 || status === 408) return "server_error";
  if (status === 401 || status === 403) return "configuration";
  return "request";
}

// Whether another attempt could succeed. A failure without a status (network, timeout, a reply
// that is not the expected JSON) is always worth another attempt.
const retryableByClass: Record<Exclude<StatusClass, "success">, boolean> = {
  // Never followed (the token would go with it); asking again brings the same redirect.
  redirect: false,
  rate_limited: true,
  server_error: true,
  configuration: false,
  request: false,
};

/** Whether a reply with this (non-2xx) status may succeed when sent again. */
export function isRetryableStatus(status: number): boolean {
  const statusClass = classify(status);
  return statusClass !== "success" && retryableByClass[statusClass];
}

/**
 * Failures no retry can fix: Lightspeed refused the token, its scopes or the request itself,
 * redirected it, or sent a reply over the size cap (the same request brings the same page
 * back; only a smaller LIGHTSPEED_PAGE_SIZE helps). An import stops on them instead of
 * spending requests; every other failure (429, 5xx, network, timeout, an invalid reply, a
 * deadline) may pass on a later attempt or run.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof LightspeedReplyTooLargeError) return true;
  if (error instanceof LightspeedReconnectNeededError) return true;
  return error instanceof LightspeedHttpError && !isRetryableStatus(error.status);
}

/**
 * Milliseconds to wait according to a Retry-After header, or undefined when it is absent or
 * unusable. Accepts delta-seconds ("120") and HTTP dates ("Wed, 15 Jul 2020 15:04:05 GMT",
 * the form Lightspeed documents). A date in the past means "now" (0).
 */
export function parseRetryAfter(
  header: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only date-looking text: Date.parse accepts many odd forms (e.g. "1") we must not trust.
  if (!/^[A-Za-z]{3},? /.test(value) && !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** 1 for the wait after the first failed attempt. */
  attempt: number;
  /** Returns a number in [0, 1); Math.random by default. */
  random?: () => number;
  baseMs?: number;
  capMs?: number;
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base × 2^(attempt−1))). */
export function backoffDelay(options: BackoffOptions): number {
  const { attempt, random = Math.random, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS } =
    options;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The wait before retrying a 429, and what the server asked when that was cut to the cap. */
export interface RateLimitWait {
  waitMs: number;
  /** The Retry-After, in ms, when it asked for more than the cap; undefined otherwise. */
  cappedAskMs?: number;
}

/**
 * Wait before retrying a 429: the server's Retry-After when usable, else the fallback
 * (scaled down in tests through the client's rateLimitFallbackMs option), never more than the
 * cap.
 */
export function rateLimitWait(
  retryAfterHeader: string | null | undefined,
  nowMs: number,
  { fallbackMs = RATE_LIMIT_FALLBACK_MS, capMs = MAX_RETRY_AFTER_MS } = {},
): RateLimitWait {
  const askedMs = parseRetryAfter(retryAfterHeader, nowMs);
  const waitMs = Math.min(askedMs ?? fallbackMs, capMs);
  return askedMs !== undefined && askedMs > capMs ? { waitMs, cappedAskMs: askedMs } : { waitMs };
}

/** {@link rateLimitWait}'s wait alone. */
export function rateLimitDelay(
  retryAfterHeader: string | null | undefined,
  nowMs: number,
  fallbackMs: number = RATE_LIMIT_FALLBACK_MS,
  capMs: number = MAX_RETRY_AFTER_MS,
): number {
  return rateLimitWait(retryAfterHeader, nowMs, { fallbackMs, capMs }).waitMs;
}
