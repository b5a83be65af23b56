// DEVELOPMENT ONLY: what the local auth stand-in reads from a request: a JSON object body and a
// Bearer token, refused with GoTrue's errors when missing or malformed.
import { AuthError } from "./auth_error.ts";

export async function readJson(req: Request): Promise<Record<string, unknown>> {
  try {
    const body = await req.json();
    if (body && typeof body === "object" && !Array.isArray(body)) return body;
  } catch {
    // fall through
  }
  throw new AuthError(400, "bad_json", "Could not parse request body as JSON");
}

export function bearer(req: Request): string {
  const header = req.headers.get("authorization") ?? "";
  const match = header.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new AuthError(401, "no_authorization", "This endpoint requires a Bearer token");
  return match[1];
}
