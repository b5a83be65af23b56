/**
 * Typed failures of the Lightspeed API client. Callers branch on the class, never on message
 * text; which of them a retry can fix is decided in one place, retry_policy.ts. No error ever
 * carries the access token: the client redacts it from body excerpts and messages before
 * constructing any of these.
 */

/** Base class of every failure raised by the Lightspeed client. */
export class LightspeedError extends Error {
  /** Attempts made for the request that failed (1 when it was not retried). */
  readonly attempts: number;

  constructor(message: string, options: { attempts?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LightspeedError";
    this.attempts = options.attempts ?? 1;
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

  constructor(message: string, details: LightspeedHttpErrorDetails) {
    super(message, { attempts: details.attempts });
    this.name = "LightspeedHttpError";
    this.status = details.status;
    this.path = details.path;
    this.bodyExcerpt = details.bodyExcerpt;
  }
}

/** 401 or 403: the operator must fix the token or its scopes; retrying cannot help. */
export class LightspeedConfigurationError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(configurationMessage(details), details);
    this.name = "LightspeedConfigurationError";
  }
}

/** 400, 404, 409, 422 and other 4xx: the request itself is wrong; never retried unchanged. */
export class LightspeedRequestError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(
      `Lightspeed rejected the request to "${details.path}" (${details.status})` +
        bodySuffix(details.bodyExcerpt),
      details,
    );
    this.name = "LightspeedRequestError";
  }
}

/**
 * 3xx: the client follows no redirect, not even to the same origin, so the token only ever
 * goes to the configured base URL. Names the Location's origin, never its path or query.
 */
export class LightspeedRedirectError extends LightspeedHttpError {
  /** The origin the reply pointed at, or a description when it had none usable. */
  readonly locationOrigin: string;

  constructor(details: LightspeedHttpErrorDetails & { locationOrigin: string }) {
    super(
      `Lightspeed answered "${details.path}" with a redirect (${details.status}) to ` +
        `${details.locationOrigin}; redirects are never followed, so the token is not sent ` +
        "there: check LIGHTSPEED_DOMAIN_PREFIX or LIGHTSPEED_API_BASE_URL",
      details,
    );
    this.name = "LightspeedRedirectError";
    this.locationOrigin = details.locationOrigin;
  }
}

/** 5xx after every attempt was spent. */
export class LightspeedServerError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(
      `Lightspeed failed to serve "${details.path}" (${details.status})` +
        attemptsSuffix(details.attempts) + bodySuffix(details.bodyExcerpt),
      details,
    );
    this.name = "LightspeedServerError";
  }
}

/** 429 after every attempt was spent. */
export class LightspeedRateLimitError extends LightspeedHttpError {
  constructor(details: LightspeedHttpErrorDetails) {
    super(
      `Lightspeed kept rate limiting "${details.path}" (429)` + attemptsSuffix(details.attempts),
      details,
    );
    this.name = "LightspeedRateLimitError";
  }
}

/** The connection failed or was reset before a complete response arrived. */
export class LightspeedNetworkError extends LightspeedError {
  readonly path: string;

  constructor(path: string, detail: string, options: { attempts?: number; cause?: unknown } = {}) {
    super(
      `Network error calling Lightspeed "${path}": ${detail}` + attemptsSuffix(options.attempts),
      options,
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
        attemptsSuffix(options.attempts),
      options,
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
        attemptsSuffix(options.attempts),
      options,
    );
    this.name = "LightspeedResponseError";
    this.path = path;
  }
}

/**
 * A reply longer than the client reads of one reply: reading stopped at the cap. The same
 * request brings the same page back, so it is not retried (see retry_policy.ts).
 */
export class LightspeedReplyTooLargeError extends LightspeedError {
  readonly path: string;
  readonly maxBytes: number;

  constructor(path: string, maxBytes: number, options: { attempts?: number } = {}) {
    super(
      `Lightspeed's reply for "${path}" is larger than ${formatBytes(maxBytes)}, the most the ` +
        "client reads of one reply; if pages really are that large, lower LIGHTSPEED_PAGE_SIZE",
      options,
    );
    this.name = "LightspeedReplyTooLargeError";
    this.path = path;
    this.maxBytes = maxBytes;
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}

function configurationMessage(details: LightspeedHttpErrorDetails): string {
  if (details.status === 401) {
    return `Lightspeed rejected the token (401) calling "${details.path}": ` +
      "set a valid LIGHTSPEED_TOKEN";
  }
  return `Lightspeed refused access to "${details.path}" (${details.status}): ` +
    "give the LIGHTSPEED_TOKEN user the permission or scope it needs";
}

function attemptsSuffix(attempts: number | undefined): string {
  return attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : "";
}

function bodySuffix(bodyExcerpt: string): string {
  return bodyExcerpt === "" ? "" : `: ${JSON.stringify(bodyExcerpt)}`;
}
