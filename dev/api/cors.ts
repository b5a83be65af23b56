// DEVELOPMENT ONLY: CORS in front of the local API, as the API gateway (Kong on `supabase start`)
// does it, but allowed for the local dashboard's origins only. A page of any other origin gets no
// CORS headers, so the browser keeps every answer from it: a web page the developer happens to
// visit must not read a local database that may hold real store data (`--real-store`).

/** Where `deno task dashboard` and `npm run demo` serve the dashboard by default. */
export const localDashboardPort = 5001;

/** The origins of a dashboard served on this port of the local machine. */
export function dashboardOriginsOn(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** The origins the local API answers browsers from unless told otherwise. */
export const localDashboardOrigins: readonly string[] = dashboardOriginsOn(localDashboardPort);

const allowance: Record<string, string> = {
  "access-control-allow-methods": "GET, HEAD, POST, PATCH, DELETE, OPTIONS",
  "access-control-allow-headers":
    "authorization, apikey, content-type, prefer, range, accept-profile, content-profile, " +
    "x-client-info, x-supabase-api-version, x-sync-secret",
  "access-control-max-age": "3600",
};
const exposed = "content-range, x-supabase-api-version";

export type Handler = (req: Request) => Promise<Response>;

/** The request's Origin when it is one of the allowed, else null. */
function allowedOrigin(req: Request, allowedOrigins: readonly string[]): string | null {
  const origin = req.headers.get("origin");
  return origin !== null && allowedOrigins.includes(origin) ? origin : null;
}

/**
 * The handler behind the gateway's CORS: preflights answered here, and every reply's CORS
 * headers replaced by an allowance for the request's origin when it is allowed, none otherwise.
 * allowedOrigins is read at each request, so a caller may add a dashboard it starts later.
 */
export function withCors(handler: Handler, allowedOrigins: readonly string[]): Handler {
  return async (req) => {
    const origin = allowedOrigin(req, allowedOrigins);
    if (req.method === "OPTIONS") {
      const headers = new Headers({ vary: "Origin" });
      if (origin) {
        headers.set("access-control-allow-origin", origin);
        for (const [name, value] of Object.entries(allowance)) headers.set(name, value);
      }
      return new Response(null, { status: 204, headers });
    }
    const response = await handler(req);
    const headers = new Headers(response.headers);
    for (const name of [...headers.keys()]) {
      if (name.startsWith("access-control-")) headers.delete(name);
    }
    headers.append("vary", "Origin");
    if (origin) {
      headers.set("access-control-allow-origin", origin);
      headers.set("access-control-expose-headers", exposed);
    }
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
