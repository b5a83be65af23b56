// DEVELOPMENT ONLY: a stand-in for the small part of PostgREST (Supabase's Data API) the
// dashboard uses: reads of tables and views in `public` with eq/neq/gt/gte/lt/lte/in/is filters,
// order, limit, offset and exact counts, and PATCH for settings. Production uses Supabase's own
// PostgREST; this exists because the local stack has none.
//
// Every statement runs in a transaction as the JWT's role with `request.jwt.claims` set, exactly
// as PostgREST does (database.ts), so PostgreSQL's real grants and row-level security decide
// what a caller sees or changes. This file checks the request and routes it.
import postgres from "postgres";
import { checkApiKey } from "../auth/gateway.ts";
import type { ProjectKeys } from "../key_mode.ts";
import { localKeys } from "../local_keys.ts";
import { claimsFor } from "./claims.ts";
import { relationExists } from "./database.ts";
import { errorResponse } from "./errors.ts";
import { QueryError, quoteIdentifier } from "./query.ts";
import { read } from "./read.ts";
import { update } from "./update.ts";
import { standInApplicationNames } from "../stand_in_logins.ts";

export interface RestHandlerOptions {
  databaseUrl: string;
  /** The key mode and keys (default: this checkout's keys, mode "both"). */
  project?: ProjectKeys;
  /** PostgREST's `max_rows` (supabase/config.toml sets 1000). */
  maxRows?: number;
}

export interface RestHandler {
  (req: Request): Promise<Response>;
  /** Closes the database pool. */
  close(): Promise<void>;
}

/** The `public` relation a request names, refused as PostgREST would when it is not one. */
async function relationOf(sql: postgres.Sql, req: Request): Promise<string> {
  const profile = req.headers.get("accept-profile") ?? req.headers.get("content-profile");
  if (profile && profile !== "public") {
    throw new QueryError(406, "PGRST106", "The schema must be one of the following: public");
  }
  const path = new URL(req.url).pathname.replace(/^\/rest\/v1/, "").replace(/\/+$/, "");
  const match = path.match(/^\/([^/]+)$/);
  if (!match) {
    throw new QueryError(404, "PGRST125", `Invalid path specified in request URL`);
  }
  const relation = decodeURIComponent(match[1]);
  quoteIdentifier(relation);
  if (!(await relationExists(sql, relation))) {
    throw new QueryError(
      404,
      "PGRST205",
      `Could not find the table 'public.${relation}' in the schema cache`,
    );
  }
  return relation;
}

export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const maxRows = options.maxRows ?? 1000;
  const project = options.project ?? { mode: "both", keys: localKeys };
  const sql = postgres(options.databaseUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: standInApplicationNames.rest },
  });

  const handler = (async (req: Request): Promise<Response> => {
    const key = checkApiKey(req, project);
    if (!key.ok) return key.response;
    let role = "anon";
    try {
      const claims = await claimsFor(req, key.claims, project);
      role = String(claims.role ?? "anon");
      const relation = await relationOf(sql, req);
      if (req.method === "GET" || req.method === "HEAD") {
        return await read(sql, req, relation, claims, maxRows);
      }
      if (req.method === "PATCH") return await update(sql, req, relation, claims);
      throw new QueryError(
        405,
        "PGRST117",
        `Unsupported HTTP method: ${req.method} (the local stand-in serves GET, HEAD and PATCH)`,
      );
    } catch (error) {
      return errorResponse(error, role);
    }
  }) as RestHandler;
  handler.close = () => sql.end({ timeout: 5 });
  return handler;
}
