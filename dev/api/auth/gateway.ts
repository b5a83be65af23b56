// DEVELOPMENT ONLY: what the API gateway (Kong on `supabase start`) does in front of GoTrue and
// PostgREST: CORS for a dashboard on another origin, and the `apikey` check.
import { type JwtClaims, verifyJwt } from "../local_keys.ts";
export const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PATCH, DELETE, OPTIONS",
  "access-control-allow-headers":
    "authorization, apikey, content-type, prefer, range, accept-profile, content-profile, " +
    "x-client-info, x-supabase-api-version",
  "access-control-expose-headers": "content-range, x-supabase-api-version",
  "access-control-max-age": "3600",
};

export function preflight(): Response {
  return new Response(null, { status: 204, headers: corsHeaders });
}

export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export type ApiKeyResult = { ok: true; claims: JwtClaims } | { ok: false; response: Response };

export async function checkApiKey(req: Request, jwtSecret: string): Promise<ApiKeyResult> {
  const key = req.headers.get("apikey") ?? new URL(req.url).searchParams.get("apikey");
  if (!key) {
    return { ok: false, response: json({ message: "No API key found in request" }, 401) };
  }
  try {
    const claims = await verifyJwt(key, jwtSecret);
    if (claims.role === "anon" || claims.role === "service_role") return { ok: true, claims };
  } catch {
    // fall through
  }
  return { ok: false, response: json({ message: "Invalid API key" }, 401) };
}
