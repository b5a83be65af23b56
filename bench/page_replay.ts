// Lightspeed's pages from memory, so an import can be measured without the simulator generating
// them on the same cores. Recording: each request is passed to the simulator and its reply kept
// as bytes, keyed by path and query. Replaying: the same requests are answered from memory at
// once (no latency, no rate limit); a request that was not recorded is a loud 500, never a
// silently different page.

export interface PageReplay {
  /** The API base URL to give the functions (LIGHTSPEED_API_BASE_URL). */
  apiBaseUrl: string;
  /** Replies kept so far. */
  readonly pages: number;
  /** Bytes of the replies kept. */
  readonly bytes: number;
  /** Requests answered from memory since replaying began. */
  readonly replayed: number;
  /** Stops passing requests on: from now on every reply comes from memory. */
  replay(): void;
  stop(): Promise<void>;
}

interface KeptReply {
  status: number;
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
}

/** Records the replies of `upstream` (the simulator's API base URL) until replay() is called. */
export function startPageReplay(upstream: string): PageReplay {
  const kept = new Map<string, KeptReply>();
  let replaying = false;
  let bytes = 0;
  let replayed = 0;

  async function record(request: Request, key: string): Promise<Response> {
    const authorization = request.headers.get("authorization") ?? "";
    const reply = await fetch(`${upstream}${key}`, { headers: { authorization } });
    const body = new Uint8Array(await reply.arrayBuffer());
    const contentType = reply.headers.get("content-type") ?? "application/json";
    // Only successful replies are kept: a 429 or a fault is the simulator's, not the page's.
    if (reply.ok) {
      kept.set(key, { status: reply.status, contentType, body });
      bytes += body.byteLength;
    }
    return new Response(body, { status: reply.status, headers: reply.headers });
  }

  function answer(key: string): Response {
    const reply = kept.get(key);
    if (!reply) {
      return new Response(JSON.stringify({ error: `not recorded: ${key}` }), { status: 500 });
    }
    replayed++;
    return new Response(reply.body, {
      status: reply.status,
      headers: { "content-type": reply.contentType },
    });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const url = new URL(request.url);
      const key = `${url.pathname}${url.search}`;
      return replaying ? answer(key) : record(request, key);
    },
  );
  return {
    apiBaseUrl: `http://127.0.0.1:${server.addr.port}`,
    get pages() {
      return kept.size;
    },
    get bytes() {
      return bytes;
    },
    get replayed() {
      return replayed;
    },
    replay() {
      replaying = true;
    },
    stop: () => server.shutdown(),
  };
}
