// DEVELOPMENT ONLY: what the API gateway (Kong on `supabase start`) does in front of GoTrue and
// PostgREST: the `apikey` check (CORS is dev/api/cors.ts, around the whole local API).
import type { JwtClaims } from "../jwt.ts";
import { apiKeyClaims, type ProjectKeys } from "../key_mode.ts";

export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export type ApiKeyResult = { ok: true; claims: JwtClaims } | { ok: false; response: Response };

const hints: Record<string, string> = {
  "Invalid API key": "Double check your Supabase publishable (or anon) or secret API key.",
  "Legacy API keys are disabled":
    "Your legacy API keys (anon, service_role) are disabled. Use the publishable or secret key.",
};

/** The gateway's key check: a known, enabled `apikey` (header or query), else 401. */
export function checkApiKey(req: Request, project: ProjectKeys): ApiKeyResult {
  const key = req.headers.get("apikey") ?? new URL(req.url).searchParams.get("apikey");
  if (!key) {
    return { ok: false, response: json({ message: "No API key found in request" }, 401) };
  }
  const check = apiKeyClaims(project.mode, project.keys, key);
  if (check.ok) return check;
  return { ok: false, response: json({ message: check.message, hint: hints[check.message] }, 401) };
}

/**
 * Whether the gateway passes this Bearer on: an `sb_` key is not a JWT, so the gateway puts the
 * apikey's own role in its place (as hosted Supabase does).
 */
export function isApiKeyBearer(token: string): boolean {
  return token.startsWith("sb_");
}
