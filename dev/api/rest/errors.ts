// DEVELOPMENT ONLY: the REST stand-in's failures in PostgREST's JSON error shape and statuses,
// whether the stand-in refused the request or PostgreSQL did.
import postgres from "postgres";
import { json } from "../auth/gateway.ts";
import { QueryError } from "./query.ts";

/** PostgREST's status for a PostgreSQL error code. */
function statusForSqlState(code: string, role: string): number {
  if (code === "42501") return role === "anon" ? 401 : 403;
  if (code === "42P01" || code === "42883") return 404;
  if (code === "23505" || code === "23503") return 409;
  if (/^(22|23|42)/.test(code) || code === "P0001") return 400;
  return 500;
}

/** The response for anything thrown while serving a request made as `role`. */
export function errorResponse(error: unknown, role: string): Response {
  if (error instanceof QueryError) {
    return json(
      { code: error.code, details: error.details, hint: null, message: error.message },
      error.status,
    );
  }
  if (error instanceof postgres.PostgresError) {
    return json(
      {
        code: error.code,
        details: error.detail ?? null,
        hint: error.hint ?? null,
        message: error.message,
      },
      statusForSqlState(error.code, role),
    );
  }
  console.error("local REST stand-in:", error);
  return json({ code: "PGRST000", details: null, hint: null, message: "Internal error" }, 500);
}
