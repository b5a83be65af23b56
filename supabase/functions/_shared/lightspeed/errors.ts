/**
 * Typed failures of the Lightspeed API client. Callers branch on the class, never on message
 * text. No error ever carries the access token: the client redacts it from body excerpts and
 * messages before constructing any of these.
 */

/** Base class of every failure raised by the Lightspeed client. */
export class LightspeedError extends Error {
  /** Attempts made for the request that failed (1 when it was not retried). */
  readonly attempts: number;
  /** Whether a later attempt could succeed (5xx, 429, network, timeout, malformed reply). */
  readonly retryable: boolean;

  constructor(
    message: string,
    options: { attempts?: number; retryable?: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LightspeedError";
    this.attempts = options.attempts ?? 1;
    this.retryable = options.retryable ?? false;
  }
}

/** Details every HTTP-status failure carries. */
export interface LightspeedHttpErrorDetails {
  status: number;
  path: string;
  /** The start of the response body (token redacted), for the run log. */
  bodyExcerpt: string;
  attempts?: number;
}

/** Lightspeed answered with a non-2xx status. */
export class LightspeedHttpError extends LightspeedError {
  readonly status: number;
  readonly path: string;
  readonly bodyExcerpt: string;

  constructor(message: string, details: LightspeedHttpErrorDetails, retryable = false) {
    super(message, { attempts: details.attempts, retryable });
    this.name = "LightspeedHttpError";
    this.status = details.status;
    this.path = details.path;
    this.bodyExcerpt = details.bodyExcerpt;
  }
}

/** 401 or 403: the operator must fix the token or its scopes; retrying cannot help. */
export class LightspeedConfigurationError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(_configurationMessage(details), details);
    this.name = "LightspeedConfigurationError";
  }
}

/** 400, 404, 409, 422 and other 4xx: the request itself is wrong; never retried unchanged. */
export class LightspeedRequestError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(
      `Lightspeed rejected the request to "${details.path}" (${details.status})` +
        _bodySuffix(details.bodyExcerpt),
      details,
    );
    this.name = "LightspeedRequestError";
  }
}

/** 5xx after every attempt was spent. */
export class LightspeedServerError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(
      `Lightspeed failed to serve "${details.path}" (${details.status})` +
        _attemptsSuffix(details.attempts) + _bodySuffix(details.bodyExcerpt),
      details,
      true,
    );
    this.name = "LightspeedServerError";
  }
}

/** 429 after every attempt was spent. */
export class LightspeedRateLimitError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(
      `Lightspeed kept rate limiting "${details.path}" (429)` + _attemptsSuffix(details.attempts),
      details,
      true,
    );
    this.name = "LightspeedRateLimitError";
  }
}

/** The connection failed or was reset before a complete response arrived. */
export class LightspeedNetworkError extends LightspeedError {
  readonly path: string;

  constructor(path: string, detail: string, options: { attempts?: number; cause?: unknown } = {}) {
    super(
      `Network error calling Lightspeed "${path}": ${detail}` + _attemptsSuffix(options.attempts),
      { ...options, retryable: true },
    );
    this.name = "LightspeedNetworkError";
    this.path = path;
  }
}

/** One attempt took longer than the per-request timeout. */
export class LightspeedTimeoutError extends LightspeedError {
  readonly path: string;
  readonly timeoutMs: number;

  constructor(
    path: string,
    timeoutMs: number,
    options: { attempts?: number; cause?: unknown } = {},
  ) {
    super(
      `Lightspeed did not answer "${path}" within ${timeoutMs} ms` +
        _attemptsSuffix(options.attempts),
      { ...options, retryable: true },
    );
    this.name = "LightspeedTimeoutError";
    this.path = path;
    this.timeoutMs = timeoutMs;
  }
}

/** A 2xx reply that is not the expected JSON envelope (truncated, invalid, wrong shape). */
export class LightspeedResponseError extends LightspeedError {
  readonly path: string;

  constructor(path: string, problem: string, options: { attempts?: number; cause?: unknown } = {}) {
    super(
      `Lightspeed sent an invalid reply for "${path}": ${problem}` +
        _attemptsSuffix(options.attempts),
      { ...options, retryable: true },
    );
    this.name = "LightspeedResponseError";
    this.path = path;
  }
}

/** Waiting (for a retry or for the shared budget) would pass the caller's deadline. */
export class DeadlineExceededError extends LightspeedError {
  /** Epoch ms the caller must finish by. */
  readonly deadline: number;
  /** How long the wait would have been. */
  readonly waitMs: number;

  constructor(what: string, waitMs: number, deadline: number, options: { cause?: unknown } = {}) {
    super(
      `Waiting ${Math.ceil(waitMs)} ms for ${what} would pass the deadline ` +
        `"${new Date(deadline).toISOString()}"`,
      { ...options, retryable: true },
    );
    this.name = "DeadlineExceededError";
    this.deadline = deadline;
    this.waitMs = waitMs;
  }
}

function _configurationMessage(details: LightspeedHttpErrorDetails): string {
  if (details.status === 401) {
    return `Lightspeed rejected the token (401) calling "${details.path}": ` +
      "set a valid LIGHTSPEED_TOKEN";
  }
  return `Lightspeed refused access to "${details.path}" (${details.status}): ` +
    "give the LIGHTSPEED_TOKEN user the permission or scope it needs";
}

function _attemptsSuffix(attempts: number | undefined): string {
  return attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
}

function _bodySuffix(bodyExcerpt: string): string {
  return bodyExcerpt === "" ? "" : `: ${JSON.stringify(bodyExcerpt)}`;
}
