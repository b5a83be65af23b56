// One attempt at a Lightspeed GET: send it under its own timeout, read the whole body, and
// judge the reply (a parsed success, a retryable failure or one no retry can fix). The retry
// loop around it lives in client.ts.
import { isKyError, isTimeoutError, type KyInstance } from "ky";
import { describeError } from "../redact.ts";
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
import { classify, isRetryableStatus, type StatusClass } from "./retry_policy.ts";

const BODY_EXCERPT_CHARS = 300;

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

export type AttemptOutcome =
  | { kind: "ok"; body: unknown; text: string; parseMs: number }
  | { kind: "fatal"; error: LightspeedError }
  | { kind: "rate_limited"; retryAfter: string | null; error: LightspeedError }
  | { kind: "server_error" | "transient"; error: LightspeedError };

export interface AttemptInput {
  relativePath: string;
  displayPath: string;
  /** Query parameters as sent. */
  searchParams: Record<string, string>;
  timeoutMs: number;
  attempt: number;
  signal?: AbortSignal;
  redact: (text: string) => string;
}

/** Sends one attempt and judges its reply. */
export async function sendAttempt(http: KyInstance, input: AttemptInput): Promise<AttemptOutcome> {
  const received = await receive(http, input);
  return "kind" in received ? received : judgeReply(received, input);
}

interface Received {
  status: number;
  retryAfter: string | null;
  text: string;
}

/** The reply's status and whole body, or the transient failure that stopped it arriving. */
async function receive(
  http: KyInstance,
  input: AttemptInput,
): Promise<Received | AttemptOutcome> {
  const { displayPath, attempt } = input;
  try {
    const pending = http.get(input.relativePath, {
      searchParams: input.searchParams,
      timeout: input.timeoutMs,
      signal: input.signal,
    });
    const response = await pending;
    // Reading through ky keeps the body read under the same per-attempt timeout.
    const text = await pending.text();
    return { status: response.status, retryAfter: response.headers.get("retry-after"), text };
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
    const detail = input.redact(describeError(failure, []));
    return {
      kind: "transient",
      error: new LightspeedNetworkError(displayPath, detail, { attempts: attempt }),
    };
  }
}

/** A failing status becomes its typed error; a success must be a JSON document. */
function judgeReply(reply: Received, input: AttemptInput): AttemptOutcome {
  const { status, retryAfter, text } = reply;
  const statusClass = classify(status);
  if (statusClass !== "success") {
    const error = new httpErrorClass[statusClass]({
      status,
      path: input.displayPath,
      bodyExcerpt: input.redact(text.slice(0, BODY_EXCERPT_CHARS)),
      attempts: input.attempt,
    });
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
      error: new LightspeedResponseError(input.displayPath, problem, { attempts: input.attempt }),
    };
  }
}
