/**
 * The one HTTP client the product uses to call Lightspeed X-Series API 2.0.
 *
 * Built on ky for URL building, headers and per-attempt timeouts, with ky's own retry turned
 * off: the retry loop here must ask the shared request budget before every attempt, pause the
 * whole store after a 429, and refuse any wait that would pass the caller's deadline.
 *
 * What it refuses, so the token and the store stay safe (README "Lightspeed client safety"):
 * a base URL that is not https (plain http only to a loopback host), any redirect, a reply
 * over MAX_REPLY_BYTES, and a Retry-After longer than maxRetryAfterMs.
 */
import ky, { type KyInstance } from "ky";
import { type Clock, systemClock } from "../clock.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { isTokenSafeUrl } from "../loopback.ts";
import { redactSecrets } from "../redact.ts";
import { type AttemptOutcome, sendAttempt } from "./attempt.ts";
import { LightspeedHttpError } from "./errors.ts";
import { MAX_REPLY_BYTES, type ReplyBody } from "./reply_body.ts";
import { readRateLimitHeaders } from "./rate_limit_headers.ts";
import type { RequestBudget } from "./request_budget.ts";
import { fixedTokenProvider, type TokenProvider } from "./token_provider.ts";
import {
  backoffDelay,
  MAX_RETRY_AFTER_MS,
  RATE_LIMIT_FALLBACK_MS,
  rateLimitWait,
} from "./retry_policy.ts";

/** Options of {@link createLightspeedClient}. */
export interface LightspeedClientOptions {
  /** e.g. "https://mystore.retail.lightspeed.app/api/2.0" */
  baseUrl: string;
  /** A personal token, or the provider of an OAuth connection's (refreshed) tokens. */
  token: string | TokenProvider;
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
  /** Longest wait a 429 may impose (LIGHTSPEED_MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs?: number;
  /** The most read of one successful reply; MAX_REPLY_BYTES unless a test shrinks it. */
  maxReplyBytes?: number;
  /** Where the one warning about a capped Retry-After goes; console.warn by default. */
  warn?: (message: string) => void;
}

/** Per-call options of {@link LightspeedClient.getJson}. */
export interface RequestOptions {
  /** Epoch ms by which the call must have finished or failed. */
  deadline: number;
  signal?: AbortSignal;
  /**
   * Reads the reply instead of JSON.parse of its text (the pager reads only a page's ends when
   * it can: lightspeed/page_scan.ts). Throwing makes the reply a retryable bad reply, as invalid
   * JSON is.
   */
  readBody?: (reply: ReplyBody) => unknown;
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
  /** X-RateLimit-Limit of the latest reply that carried one (undocumented: often null). */
  rateLimitLimit: number | null;
  /** X-RateLimit-Remaining of the latest reply that carried one. */
  rateLimitRemaining: number | null;
}

/** A parsed reply, with what it was parsed from (passed on to SQL, not re-serialized). */
export interface JsonReply {
  body: unknown;
  reply: ReplyBody;
}

/** The Lightspeed API as the sync sees it. */
export interface LightspeedClient {
  /**
   * GETs a path (relative to the base URL) and returns its JSON body (parsed, or as
   * `options.readBody` read it) and its text.
   */
  getJson(path: string, params: QueryParams, options: RequestOptions): Promise<JsonReply>;
  readonly stats: Readonly<LightspeedClientStats>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 8;

/** Creates the shared Lightspeed client. */
export function createLightspeedClient(options: LightspeedClientOptions): LightspeedClient {
  const { maxAttempts = DEFAULT_MAX_ATTEMPTS } = options;
  const tokens = typeof options.token === "string"
    ? fixedTokenProvider(options.token)
    : options.token;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got "${maxAttempts}"`);
  }
  assertTokenSafeBaseUrl(options.baseUrl);
  const client: ClientState = {
    http: ky.create({
      // A trailing slash makes "sales" resolve to ".../api/2.0/sales", not ".../api/sales".
      baseUrl: options.baseUrl.replace(/\/+$/, "") + "/",
      // The authorization header is set per attempt: an OAuth token can change between them.
      headers: { accept: "application/json" },
      retry: 0,
      throwHttpErrors: false,
      // Following one would send the token wherever the reply points: a 3xx is an error.
      redirect: "manual",
      fetch: options.fetch,
    }),
    budget: options.budget,
    tokens,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    maxAttempts,
    rateLimitFallbackMs: options.rateLimitFallbackMs ?? RATE_LIMIT_FALLBACK_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS,
    maxReplyBytes: options.maxReplyBytes ?? MAX_REPLY_BYTES,
    warn: options.warn ?? console.warn,
    warnedOfCap: false,
    stats: {
      requests: 0,
      rateLimited: 0,
      retries: 0,
      serverErrors: 0,
      parseMs: 0,
      rateLimitLimit: null,
      rateLimitRemaining: null,
    },
    redact: (text) => redactSecrets(text, [...tokens.known]),
  };
  return {
    getJson: (path, params, request) => getJson(client, path, params, request),
    stats: client.stats,
  };
}

/** The token goes with every request: never in clear text over a network. */
function assertTokenSafeBaseUrl(baseUrl: string): void {
  if (isTokenSafeUrl(baseUrl)) return;
  let shown = "a value that is not a URL";
  try {
    shown = `"${new URL(baseUrl).origin}"`;
  } catch {
    // Not a URL: said as such, without echoing it.
  }
  throw new TypeError(
    `Lightspeed base URL must start with "https://" ("http://" only for a loopback host: ` +
      `127.0.0.0/8, ::1 or localhost), got ${shown}`,
  );
}

/** What one client keeps between calls: its settings, its counters and its HTTP instance. */
interface ClientState {
  http: KyInstance;
  budget: RequestBudget;
  tokens: TokenProvider;
  clock: Clock;
  random: () => number;
  requestTimeoutMs: number;
  maxAttempts: number;
  rateLimitFallbackMs: number;
  maxRetryAfterMs: number;
  maxReplyBytes: number;
  warn: (message: string) => void;
  /** Whether a capped Retry-After was logged already: once per client (one run) is enough. */
  warnedOfCap: boolean;
  stats: LightspeedClientStats;
  redact: (text: string) => string;
}

/** The retry loop: every attempt asks the budget first; no wait may pass the deadline. */
async function getJson(
  client: ClientState,
  path: string,
  params: QueryParams,
  request: RequestOptions,
): Promise<JsonReply> {
  const relativePath = path.replace(/^\/+/, "");
  // An absolute URL would make ky bypass the base URL and send the token elsewhere.
  if (/^[a-z][a-z0-9+.-]*:/i.test(relativePath)) {
    throw new TypeError(`Lightspeed path must be relative to the API base, got "${path}"`);
  }
  const target = {
    relativePath,
    displayPath: "/" + relativePath,
    searchParams: searchParams(params),
  };
  let renewed = false;
  for (let attempt = 1;; attempt++) {
    const token = await client.tokens.current(request);
    const outcome = await attemptWithSlot(client, { ...target, token }, attempt, request);
    if (outcome.kind === "ok") {
      client.stats.parseMs += outcome.parseMs;
      return { body: outcome.body, reply: outcome.reply };
    }
    if (outcome.kind === "fatal") {
      // A 401 gets one renewed token and one more attempt; a second 401 is final.
      if (renewed || !isUnauthorized(outcome.error) || !client.tokens.renew) throw outcome.error;
      renewed = true;
      await client.tokens.renew(token, request);
      continue;
    }
    const now = client.clock.now();
    const waitMs = await waitBeforeRetry(client, outcome, attempt, now, target.displayPath);
    if (attempt >= client.maxAttempts) throw outcome.error;
    if (now + waitMs > request.deadline) {
      throw new DeadlineExceededError(
        `a retry of "${target.displayPath}"`,
        waitMs,
        request.deadline,
        { cause: outcome.error },
      );
    }
    await client.clock.sleep(waitMs, request.signal);
  }
}

/** Claims a slot of the shared budget, sends one attempt, and gives the slot back. */
async function attemptWithSlot(
  client: ClientState,
  target: {
    relativePath: string;
    displayPath: string;
    searchParams: Record<string, string>;
    token: string;
  },
  attempt: number,
  { deadline, signal, readBody }: RequestOptions,
): Promise<AttemptOutcome> {
  signal?.throwIfAborted();
  const slot = await client.budget.acquire({ deadline, signal });
  const remainingMs = deadline - client.clock.now();
  if (remainingMs <= 0) {
    void slot?.release();
    throw new DeadlineExceededError(`a reply from "${target.displayPath}"`, 0, deadline);
  }
  if (attempt > 1) client.stats.retries++;
  client.stats.requests++;
  try {
    const { token, ...rest } = target;
    return await sendAttempt(client.http, {
      ...rest,
      authorization: `Bearer ${token}`,
      timeoutMs: Math.min(client.requestTimeoutMs, remainingMs),
      maxReplyBytes: client.maxReplyBytes,
      attempt,
      signal,
      redact: client.redact,
      onHeaders: (headers) => recordRateLimitHeaders(client.stats, headers),
      readBody,
    });
  } finally {
    // Lightspeed counted this request, if at all, before now: the budget counts it from its
    // claim until one window after this.
    void slot?.release();
  }
}

/** Keeps what the latest reply said of Lightspeed's budget, where it said anything. */
function recordRateLimitHeaders(stats: LightspeedClientStats, headers: Headers): void {
  const seen = readRateLimitHeaders(headers);
  if (seen.limit !== null) stats.rateLimitLimit = seen.limit;
  if (seen.remaining !== null) stats.rateLimitRemaining = seen.remaining;
}

/** Counts a failed attempt and says how long to wait before the next one. */
async function waitBeforeRetry(
  client: ClientState,
  outcome: Exclude<AttemptOutcome, { kind: "ok" | "fatal" }>,
  attempt: number,
  now: number,
  displayPath: string,
): Promise<number> {
  if (outcome.kind === "server_error") client.stats.serverErrors++;
  if (outcome.kind !== "rate_limited") return backoffDelay({ attempt, random: client.random });
  client.stats.rateLimited++;
  const { waitMs, cappedAskMs } = rateLimitWait(outcome.retryAfter, now, {
    fallbackMs: client.rateLimitFallbackMs,
    capMs: client.maxRetryAfterMs,
  });
  if (cappedAskMs !== undefined && !client.warnedOfCap) {
    client.warnedOfCap = true;
    client.warn(
      `Lightspeed asked to wait ${cappedAskMs} ms before retrying "${displayPath}" ` +
        `(Retry-After); waiting ${waitMs} ms instead, the cap LIGHTSPEED_MAX_RETRY_AFTER_MS sets`,
    );
  }
  // Every worker of this store must hold off, not just this one, even if we give up.
  await client.budget.pauseUntil(now + waitMs);
  return waitMs;
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof LightspeedHttpError && error.status === 401;
}

function searchParams(params: QueryParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) result[name] = String(value);
  }
  return result;
}
