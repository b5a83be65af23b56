// DEVELOPMENT ONLY: the local auth stand-in's errors, answered in GoTrue's shapes so supabase-js
// reads the same status, code and message it would get from Supabase Auth.
import { json } from "./gateway.ts";

const apiVersion = "2024-01-01";

export class AuthError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** GoTrue's two error shapes: the dated API version (supabase-js sends it) and the legacy one. */
export function errorResponse(req: Request, error: AuthError): Response {
  if (req.headers.get("x-supabase-api-version")) {
    return json({ code: error.code, message: error.message }, error.status, {
      "x-supabase-api-version": apiVersion,
    });
  }
  return json({ code: error.status, error_code: error.code, msg: error.message }, error.status);
}
