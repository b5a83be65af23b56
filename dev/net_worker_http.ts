// Sends one queued pg_net request and describes the outcome the way pg_net's worker records it
// in net._http_response: status, content type, headers and body on any HTTP answer; timed_out
// and a timeout message, or a curl-style error message, when there is no answer.

/** A row taken from net.http_request_queue. */
export interface QueuedRequest {
  id: bigint | number | string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Uint8Array | null;
  timeout_milliseconds: number;
}

/** The columns pg_net writes to net._http_response for one request. */
export interface RecordedResponse {
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean;
  error_msg: string | null;
}

const userAgent = "pg_net/0.19.5 (local stand-in)";

export async function sendQueuedRequest(request: QueuedRequest): Promise<RecordedResponse> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(request.timeout_milliseconds);
  try {
    const method = request.method.toUpperCase();
    const response = await fetch(request.url, {
      method,
      headers: { "User-Agent": userAgent, ...(request.headers ?? {}) },
      // A copy: fetch wants an ArrayBuffer-backed view, postgres.js hands out a Buffer.
      body: request.body ? new Uint8Array(request.body) : undefined,
      // libcurl in pg_net follows redirects.
      redirect: "follow",
      signal: timeout,
    });
    // pg_net's timeout covers the whole transfer, body included. It stores the body as a C
    // string: it ends at the first NUL byte (which a text column could not hold anyway).
    const content = (await response.text()).split("\0")[0];
    return {
      status_code: response.status,
      content_type: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers.entries()),
      // pg_net stores NULL, not an empty string, for an empty body.
      content: content === "" ? null : content,
      timed_out: false,
      error_msg: null,
    };
  } catch (error) {
    if (timeout.aborted) {
      return {
        ...noAnswer,
        timed_out: true,
        error_msg: timeoutMessage(request.timeout_milliseconds, performance.now() - started),
      };
    }
    return { ...noAnswer, error_msg: curlStyleError(error) };
  }
}

/**
 * pg_net's message (src/errors.c): the total and its split into DNS, TCP/SSL handshake and HTTP
 * steps, each in milliseconds with six decimals as C's %f prints them. fetch tells none of the
 * steps' timings, so the whole time is given to the HTTP step (where a local target, connected in
 * well under a millisecond, spends it).
 */
export function timeoutMessage(timeoutMs: number, totalMs: number): string {
  const ms = (value: number) => value.toFixed(6);
  return `Timeout of ${timeoutMs} ms reached. Total time: ${ms(totalMs)} ms ` +
    `(DNS time: ${ms(0)} ms, TCP/SSL handshake time: ${ms(0)} ms, ` +
    `HTTP Request/Response time: ${ms(totalMs)} ms)`;
}

const noAnswer: RecordedResponse = {
  status_code: null,
  content_type: null,
  headers: null,
  content: null,
  timed_out: false,
  error_msg: null,
};

/** libcurl's wording for the usual failures, so local rows read like hosted ones. */
export function curlStyleError(error: unknown): string {
  const text = error instanceof Error
    ? `${error.message} ${String(error.cause ?? "")}`
    : `${error}`;
  if (/connection refused|ECONNREFUSED/i.test(text)) return "Couldn't connect to server";
  if (/dns error|failed to lookup|name or service not known|ENOTFOUND/i.test(text)) {
    return "Couldn't resolve host name";
  }
  if (/invalid url|relative url|Invalid URL/i.test(text)) return "URL using bad/illegal format";
  if (/connection (reset|closed)|ECONNRESET|incomplete message/i.test(text)) {
    return "Failure when receiving data from the peer";
  }
  const firstLine = (error instanceof Error ? error.message : String(error)).split("\n")[0];
  return `Couldn't send the request: ${firstLine.slice(0, 200)}`;
}
