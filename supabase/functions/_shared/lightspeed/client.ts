/**
 * The one HTTP client the product uses to call Lightspeed X-Series API 2.0.
 *
 * Built on ky for URL building, headers and per-attempt timeouts, with ky's own retry turned
 * off: the retry loop here must ask the shared request budget before every attempt, pause the
 * whole store after a 429, and refuse any wait that would pass the caller's deadline.
 */
import ky, { isKyError, isTimeoutError, type KyInstance } from "ky";
import { type Clock, systemClock } from "../clock.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { describeError, redactSecrets } from "../redact.ts";
import {
  LightspeedConfigurationError,
  type LightspeedError,
  type LightspeedHttpErrorDetails,
  LightspeedNetworkError,
  LightspeedRateLimitError,
  LightspeedRequestError,
  LightspeedResponseError,
  LightspeedServerError,
  LightspeedTimeoutError,
} from "./errors.ts";
import type { RequestBudget } from "./request_budget.ts";
import {
  backoffDelay,
  classify,
  isRetryableStatus,
  RATE_LIMIT_FALLBACK_MS,
  rateLimitDelay,
  type StatusClass,
} from "./retry_policy.ts";

/** Options of {@link createLightspeedClient}. */
export interface LightspeedClientOptions {
  /** e.g. "https://mystore.retail.lightspeed.app/api/2.0" */
  baseUrl: string;
  token: string;
  budget: RequestBudget;
  fetch?: typeof fetch;
  clock?: Clock;
  /** Returns a number in [0, 1); drives backoff jitter. */
  random?: () => number;
  /** Longest a single attempt may take. */
  requestTimeoutMs?: number;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** Wait after a 429 without a usable Retry-After. */
  rateLimitFallbackMs?: number;
}

/** Per-call options of {@link LightspeedClient.getJson}. */
export interface RequestOptions {
  /** Epoch ms by which the call must have finished or failed. */
  deadline: number;
  signal?: AbortSignal;
}

/** Query parameters; undefined values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** Counters since the client was created. */
export interface LightspeedClientStats {
  /** Attempts actually sent. */
  requests: number;
  /** 429 replies. */
  rateLimited: number;
  /** Attempts that were a retry of an earlier one. */
  retries: number;
  /** 5xx (and 408) replies. */
  serverErrors: number;
  /** Milliseconds spent parsing reply bodies: the client's share of the CPU budget. */
  parseMs: number;
}

/** A parsed reply, with the text it was parsed from (passed on to SQL, not re-serialized). */
export interface JsonReply {
  body: unknown;
  text: string;
}

/** The Lightspeed API as the sync sees it. */
export interface LightspeedClient {
  /** GETs a path (relative to the base URL) and returns its parsed JSON body and its text. */
  getJson(path: string, params: QueryParams, options: RequestOptions): Promise<JsonReply>;
  readonly stats: Readonly<LightspeedClientStats>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 8;
const BODY_EXCERPT_CHARS = 300;

/** Creates the shared Lightspeed client. */
export function createLightspeedClient(options: LightspeedClientOptions): LightspeedClient {
  const {
    token,
    budget,
    clock = systemClock,
    random = Math.random,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
    maxAttempts = DEFAULT_MAX_ATTEMPTS,
    rateLimitFallbackMs = RATE_LIMIT_FALLBACK_MS,
  } = options;
  if (token.trim() === "") throw new TypeError("Lightspeed token must not be empty");
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got "${maxAttempts}"`);
  }
  const http = ky.create({
    // A trailing slash makes "sales" resolve to ".../api/2.0/sales", not ".../api/sales".
    baseUrl: options.baseUrl.replace(/\/+$/, "") + "/",
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    retry: 0,
    throwHttpErrors: false,
    fetch: options.fetch,
  });
  const stats: LightspeedClientStats = {
    requests: 0,
    rateLimited: 0,
    retries: 0,
    serverErrors: 0,
    parseMs: 0,
  };
  const redact = (text: string) => redactSecrets(text, [token]);

  async function getJson(
    path: string,
    params: QueryParams,
    request: RequestOptions,
  ): Promise<JsonReply> {
    const { deadline, signal } = request;
    const relativePath = path.replace(/^\/+/, "");
    // An absolute URL would make ky bypass the base URL and send the token elsewhere.
    if (/^[a-z][a-z0-9+.-]*:/i.test(relativePath)) {
      throw new TypeError(`Lightspeed path must be relative to the API base, got "${path}"`);
    }
    const displayPath = "/" + relativePath;
    for (let attempt = 1;; attempt++) {
      signal?.throwIfAborted();
      const slot = await budget.acquire({ deadline, signal });
      const remainingMs = deadline - clock.now();
      if (remainingMs <= 0) {
        void slot?.release();
        throw new DeadlineExceededError(`a reply from "${displayPath}"`, 0, deadline);
      }
      if (attempt > 1) stats.retries++;
      stats.requests++;
      const outcome = await sendAttempt(http, {
        relativePath,
        displayPath,
        params,
        timeoutMs: Math.min(requestTimeoutMs, remainingMs),
        attempt,
        signal,
        redact,
      }).finally(() => {
        // Lightspeed counted this request, if at all, before now: the budget counts it from
        // its claim until one window after this.
        void slot?.release();
      });
      if (outcome.kind === "ok") {
        stats.parseMs += outcome.parseMs;
        return { body: outcome.body, text: outcome.text };
      }
      if (outcome.kind === "fatal") throw outcome.error;
      if (outcome.kind === "server_error") stats.serverErrors++;
      const now = clock.now();
      let waitMs: number;
      if (outcome.kind === "rate_limited") {
        stats.rateLimited++;
        waitMs = rateLimitDelay(outcome.retryAfter, now, rateLimitFallbackMs);
        // Every worker of this store must hold off, not just this one, even if we give up.
        await budget.pauseUntil(now + waitMs);
      } else {
        waitMs = backoffDelay({ attempt, random });
      }
      if (attempt >= maxAttempts) throw outcome.error;
      if (now + waitMs > deadline) {
        throw new DeadlineExceededError(`a retry of "${displayPath}"`, waitMs, deadline, {
          cause: outcome.error,
        });
      }
      await clock.sleep(waitMs, signal);
    }
  }

  return { getJson, stats };
}

// The error each failing status class becomes.
const httpErrorClass: Record<
  Exclude<StatusClass, "success">,
  new (details: LightspeedHttpErrorDetails) => LightspeedError
> = {
  rate_limited: LightspeedRateLimitError,
  server_error: LightspeedServerError,
  configuration: LightspeedConfigurationError,
  request: LightspeedRequestError,
};

type AttemptOutcome =
  | { kind: "ok"; body: unknown; text: string; parseMs: number }
  | { kind: "fatal"; error: LightspeedError }
  | { kind: "rate_limited"; retryAfter: string | null; error: LightspeedError }
  | { kind: "server_error" | "transient"; error: LightspeedError };

interface AttemptInput {
  relativePath: string;
  displayPath: string;
  params: QueryParams;
  timeoutMs: number;
  attempt: number;
  signal?: AbortSignal;
  redact: (text: string) => string;
}

async function sendAttempt(http: KyInstance, input: AttemptInput): Promise<AttemptOutcome> {
  const { displayPath, attempt, redact } = input;
  let status: number;
  let retryAfter: string | null;
  let text: string;
  try {
    const pending = http.get(input.relativePath, {
      searchParams: searchParams(input.params),
      timeout: input.timeoutMs,
      signal: input.signal,
    });
    const response = await pending;
    status = response.status;
    retryAfter = response.headers.get("retry-after");
    // Reading through ky keeps the body read under the same per-attempt timeout.
    text = await pending.text();
  } catch (error) {
    if (input.signal?.aborted) throw input.signal.reason;
    if (isTimeoutError(error) || (error instanceof DOMException && error.name === "TimeoutError")) {
      return {
        kind: "transient",
        error: new LightspeedTimeoutError(displayPath, input.timeoutMs, { attempts: attempt }),
      };
    }
    // ky wraps the fetch failure; its cause says what went wrong on the wire.
    const failure = isKyError(error) && error.cause instanceof Error ? error.cause : error;
    const detail = redact(describeError(failure, []));
    return {
      kind: "transient",
      error: new LightspeedNetworkError(displayPath, detail, { attempts: attempt }),
    };
  }

  const details = {
    status,
    path: displayPath,
    bodyExcerpt: redact(text.slice(0, BODY_EXCERPT_CHARS)),
    attempts: attempt,
  };
  const statusClass = classify(status);
  if (statusClass !== "success") {
    const error = new httpErrorClass[statusClass](details);
    if (!isRetryableStatus(status)) return { kind: "fatal", error };
    return statusClass === "rate_limited"
      ? { kind: "rate_limited", retryAfter, error }
      : { kind: "server_error", error };
  }

  try {
    const parseStarted = performance.now();
    const body = JSON.parse(text);
    return { kind: "ok", body, text, parseMs: performance.now() - parseStarted };
  } catch {
    // A cut connection often shows up as a 200 with half a JSON document.
    const problem = text.trim() === ""
      ? "empty body"
      : `body is not valid JSON (${text.length} characters received)`;
    return {
      kind: "transient",
      error: new LightspeedResponseError(displayPath, problem, { attempts: attempt }),
    };
  }
}

function searchParams(params: QueryParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) result[name] = String(value);
  }
  return result;
}
