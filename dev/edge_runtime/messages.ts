// What the local edge runtime and its workers say to each other (postMessage), and how a
// request and a response cross between them: whole bodies, transferred, never streamed.

export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

export interface WireResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

/** From the runtime to a worker. */
export type RuntimeMessage =
  | { type: "boot"; entryUrl: string; env: Record<string, string> }
  | { type: "request"; id: number; request: WireRequest }
  | { type: "beforeunload"; reason: string };

/** From a worker to the runtime. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "boot_error"; message: string }
  | { type: "response"; id: number; response: WireResponse }
  /** How many EdgeRuntime.waitUntil promises are still pending. */
  | { type: "background"; pending: number }
  /** The beforeunload listeners have run (their synchronous part). */
  | { type: "beforeunload_dispatched"; reason: string };

export async function toWireRequest(req: Request): Promise<WireRequest> {
  const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
  return {
    method: req.method,
    url: req.url,
    headers: [...req.headers],
    body: hasBody ? await req.arrayBuffer() : null,
  };
}

export function fromWireRequest(wire: WireRequest): Request {
  return new Request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body });
}

export async function toWireResponse(response: Response): Promise<WireResponse> {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: response.body === null ? null : await response.arrayBuffer(),
  };
}

export function fromWireResponse(wire: WireResponse): Response {
  // A null-body status (204, 304) must not be given even an empty body.
  const body = wire.status === 204 || wire.status === 304 ? null : wire.body;
  return new Response(body, {
    status: wire.status,
    statusText: wire.statusText,
    headers: wire.headers,
  });
}

/** The buffers a message can hand over instead of copying. */
export function transferablesOf(wire: WireRequest | WireResponse): ArrayBuffer[] {
  return wire.body ? [wire.body] : [];
}
