// One attempt at a Lightspeed GET: send it under its own timeout, read the body up to the cap,
// and judge the reply (a parsed success, a retryable failure or one no retry can fix). The
// retry loop around it lives in client.ts.
import { isKyError, isTimeoutError, type KyInstance } from "ky";
import { describeError } from "../redact.ts";
import {
  LightspeedConfigurationError,
  type LightspeedError,
  type LightspeedHttpErrorDetails,
  LightspeedNetworkError,
  LightspeedRateLimitError,
  LightspeedRedirectError,
  LightspeedReplyTooLargeError,
  LightspeedRequestError,
  LightspeedResponseError,
  LightspeedServerError,
  LightspeedTimeoutError,
} from "./errors.ts";
import { ERROR_REPLY_BYTES, readReplyBody, ReplyBody } from "./reply_body.ts";
import {
  classify,
  isPermanentFailure,
  isRetryableStatus,
  type StatusClass,
} from "./retry_policy.ts";

const BODY_EXCERPT_CHARS = 300;

// The error each failing status class becomes (a redirect's names where it pointed).
const httpErrorClass: Record<
  Exclude<StatusClass, "success" | "redirect">,
  new (details: LightspeedHttpErrorDetails) => LightspeedError
> = {
  rate_limited: LightspeedRateLimitError,
  server_error: LightspeedServerError,
  configuration: LightspeedConfigurationError,
  request: LightspeedRequestError,
};

export type AttemptOutcome =
  | { kind: "ok"; body: unknown; reply: ReplyBody; parseMs: number }
  | { kind: "fatal"; error: LightspeedError }
  | { kind: "rate_limited"; retryAfter: string | null; error: LightspeedError }
  | { kind: "server_error" | "transient"; error: LightspeedError };

export interface AttemptInput {
  relativePath: string;
  displayPath: string;
  /** "Bearer <token>": the token of this attempt. */
  authorization: string;
  /** Query parameters as sent. */
  searchParams: Record<string, string>;
  timeoutMs: number;
  /** The most read of a successful reply's body. */
  maxReplyBytes: number;
  attempt: number;
  signal?: AbortSignal;
  redact: (text: string) => string;
  /** Given every reply's headers as they arrive (the client reads the rate-limit ones). */
  onHeaders?: (headers: Headers) => void;
  /** Reads a successful reply; JSON.parse of its text unless the caller reads it another way. */
  readBody?: (reply: ReplyBody) => unknown;
}

/** Sends one attempt and judges its reply. */
export async function sendAttempt(http: KyInstance, input: AttemptInput): Promise<AttemptOutcome> {
  const received = await receive(http, input);
  return "kind" in received ? received : judgeReply(received, input);
}

interface Received {
  status: number;
  retryAfter: string | null;
  /** Where a redirect pointed: an origin or a description, never a path. */
  locationOrigin: string;
  body: ReplyBody;
}

/** The reply's status and body, or the failure that stopped it arriving. */
async function receive(
  http: KyInstance,
  input: AttemptInput,
): Promise<Received | AttemptOutcome> {
  const { displayPath, attempt } = input;
  try {
    // The client's ky instance sets redirect: "manual": a 3xx arrives here as it is.
    const response = await http.get(input.relativePath, {
      searchParams: input.searchParams,
      headers: { authorization: input.authorization },
      timeout: input.timeoutMs,
      signal: input.signal,
    });
    input.onHeaders?.(response.headers);
    const body = await readBody(response, input);
    if (body === undefined) {
      const error = new LightspeedReplyTooLargeError(displayPath, input.maxReplyBytes, {
        attempts: attempt,
      });
      return isPermanentFailure(error) ? { kind: "fatal", error } : { kind: "transient", error };
    }
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      locationOrigin: input.redact(locationOrigin(response)),
      body,
    };
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

/**
 * A success's body up to the cap (undefined past it), the start of a failure's for its
 * excerpt, nothing of a redirect's. The body gets the attempt's timeout again, as ky gives it.
 */
async function readBody(
  response: Response,
  input: AttemptInput,
): Promise<ReplyBody | undefined> {
  const statusClass = classify(response.status);
  if (statusClass === "redirect") {
    await response.body?.cancel().catch(() => {});
    return new ReplyBody(new Uint8Array(0));
  }
  const success = statusClass === "success";
  return await readReplyBody(response, {
    maxBytes: success ? input.maxReplyBytes : ERROR_REPLY_BYTES,
    timeoutMs: input.timeoutMs,
    truncate: !success,
  });
}

/** The origin a redirect's Location points at, resolved against the request's URL. */
function locationOrigin(response: Response): string {
  const location = response.headers.get("location");
  if (location === null || location.trim() === "") return "no Location";
  try {
    const target = new URL(location, response.url || undefined);
    return target.origin === "null" ? `a "${target.protocol}" URL` : target.origin;
  } catch {
    // Without the request's URL (a stand-in fetch) a path alone cannot be resolved.
    const relative = location.startsWith("/") && !location.startsWith("//");
    return relative ? "the same origin (a relative Location)" : "an unreadable Location";
  }
}

const parseJson = (reply: ReplyBody): unknown => JSON.parse(reply.text);

/** A failing status becomes its typed error; a success must be a JSON document. */
function judgeReply(reply: Received, input: AttemptInput): AttemptOutcome {
  const { status, retryAfter, body: replyBody } = reply;
  const statusClass = classify(status);
  if (statusClass !== "success") {
    const details: LightspeedHttpErrorDetails = {
      status,
      path: input.displayPath,
      bodyExcerpt: input.redact(replyBody.text.slice(0, BODY_EXCERPT_CHARS)),
      attempts: input.attempt,
    };
    const error = statusClass === "redirect"
      ? new LightspeedRedirectError({ ...details, locationOrigin: reply.locationOrigin })
      : new httpErrorClass[statusClass](details);
    if (!isRetryableStatus(status)) return { kind: "fatal", error };
    return statusClass === "rate_limited"
      ? { kind: "rate_limited", retryAfter, error }
      : { kind: "server_error", error };
  }
  try {
    const parseStarted = performance.now();
    const body = (input.readBody ?? parseJson)(replyBody);
    return { kind: "ok", body, reply: replyBody, parseMs: performance.now() - parseStarted };
  } catch {
    // A cut connection often shows up as a 200 with half a JSON document.
    const { text } = replyBody;
    const problem = text.trim() === ""
      ? "empty body"
      : `body is not valid JSON (${text.length} characters received)`;
    return {
      kind: "transient",
      error: new LightspeedResponseError(input.displayPath, problem, { attempts: input.attempt }),
    };
  }
}
