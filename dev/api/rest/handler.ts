// DEVELOPMENT ONLY: a stand-in for the small part of PostgREST (Supabase's Data API) the
// dashboard uses: reads of tables and views in `public` with eq/neq/gt/gte/lt/lte/in/is filters,
// order, limit, offset and exact counts, and PATCH for settings. Production uses Supabase's own
// PostgREST; this exists because the local stack has none.
//
// Every statement runs in a transaction as the JWT's role with `request.jwt.claims` set, exactly
// as PostgREST does, so PostgreSQL's real grants and row-level security decide what a caller
// sees or changes. The stand-in itself connects as `postgres` only to switch role.
import postgres from "postgres";
import { checkApiKey, corsHeaders, json, preflight } from "../auth/gateway.ts";
import { type JwtClaims, verifyJwt } from "../local_keys.ts";
import {
  buildWhere,
  parseAssignments,
  parsePrefer,
  parseReadQuery,
  QueryError,
  quoteIdentifier,
} from "./query.ts";

export interface RestHandlerOptions {
  databaseUrl: string;
  jwtSecret: string;
  /** PostgREST's `max_rows` (supabase/config.toml sets 1000). */
  maxRows?: number;
}

export interface RestHandler {
  (req: Request): Promise<Response>;
  /** Closes the database pool. */
  close(): Promise<void>;
}

const allowedRoles = new Set(["anon", "authenticated", "service_role"]);

function postgrestError(error: QueryError): Response {
  return json(
    { code: error.code, details: error.details, hint: null, message: error.message },
    error.status,
  );
}

/** PostgREST's status for a PostgreSQL error code. */
function statusForSqlState(code: string, role: string): number {
  if (code === "42501") return role === "anon" ? 401 : 403;
  if (code === "42P01" || code === "42883") return 404;
  if (code === "23505" || code === "23503") return 409;
  if (/^(22|23|42)/.test(code) || code === "P0001") return 400;
  return 500;
}

export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const maxRows = options.maxRows ?? 1000;
  const sql = postgres(options.databaseUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: "local-rest-stand-in" },
  });

  // PostgREST treats every value as an untyped literal that the column's type reads. Sent as
  // plain strings, postgres.js would serialize them with the column type's own serializer,
  // which turns the string "true" into boolean false (so `id=eq.true` matched nothing).
  const UNKNOWN_OID = 705;
  const asLiterals = (values: unknown[]) =>
    values.map((value) => typeof value === "string" ? sql.typed(value, UNKNOWN_OID) : value);

  /** Bearer token when present, else the apikey itself (as PostgREST behind Kong). */
  async function claimsFor(req: Request, apiKeyClaims: JwtClaims): Promise<JwtClaims> {
    const header = req.headers.get("authorization");
    if (!header) return apiKeyClaims;
    const match = header.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new QueryError(401, "PGRST301", "Authorization header is not a Bearer token");
    try {
      return await verifyJwt(match[1], options.jwtSecret);
    } catch (error) {
      const message = error instanceof Error ? error.message : "invalid JWT";
      if (/expired/.test(message)) throw new QueryError(401, "PGRST303", "JWT expired");
      throw new QueryError(401, "PGRST301", `JWT is invalid: ${message}`);
    }
  }

  async function relationExists(name: string): Promise<boolean> {
    const [row] = await sql`
      select 1 from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = ${name} and c.relkind in ('r', 'v', 'm', 'p', 'f')`;
    return Boolean(row);
  }

  async function asRole<T>(claims: JwtClaims, run: (tx: postgres.TransactionSql) => Promise<T>) {
    const role = String(claims.role ?? "");
    if (!allowedRoles.has(role)) {
      throw new QueryError(401, "PGRST301", `JWT role "${role}" is not allowed`);
    }
    return await sql.begin(async (tx) => {
      await tx.unsafe(
        "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), " +
          "set_config('request.jwt.claim.sub', '', true), set_config('request.jwt.claim.role', '', true)",
        [role, JSON.stringify(claims)],
      );
      return await run(tx);
    });
  }

  async function read(req: Request, relation: string, claims: JwtClaims): Promise<Response> {
    const url = new URL(req.url);
    const query = parseReadQuery(url.searchParams, maxRows);
    const prefer = parsePrefer(req.headers.get("prefer"));
    const from = `public.${quoteIdentifier(relation)}`;
    const { rows, total } = await asRole(claims, async (tx) => {
      const text =
        `select coalesce(json_agg(t), '[]')::text as body from (select ${query.columns} ` +
        `from ${from} ${query.where} ${query.orderBy} limit ${query.limit} offset ${query.offset}) t`;
      const params = asLiterals(query.params) as postgres.ParameterOrJSON<never>[];
      const [row] = await tx.unsafe(text, params);
      let total: number | null = null;
      if (prefer.count) {
        const [counted] = await tx.unsafe(
          `select count(*)::bigint as n from ${from} ${query.where}`,
          params,
        );
        total = Number(counted.n);
      }
      return { rows: row.body as string, total };
    });
    const length = (JSON.parse(rows) as unknown[]).length;
    const range = length === 0
      ? `*/${total ?? "*"}`
      : `${query.offset}-${query.offset + length - 1}/${total ?? "*"}`;
    const headers = {
      ...corsHeaders,
      "content-type": "application/json; charset=utf-8",
      "content-range": range,
    };
    return new Response(req.method === "HEAD" ? null : rows, { status: 200, headers });
  }

  async function update(req: Request, relation: string, claims: JwtClaims): Promise<Response> {
    const url = new URL(req.url);
    const prefer = parsePrefer(req.headers.get("prefer"));
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      throw new QueryError(400, "PGRST102", "Request body is not valid JSON");
    }
    const values: unknown[] = [];
    const assignments = parseAssignments(body, values);
    const where = buildWhere(url.searchParams, values);
    const from = `public.${quoteIdentifier(relation)}`;
    const returning = prefer.representation ? "*" : "1 as one";
    const text = `with changed as (update ${from} set ${assignments} ${where} returning ` +
      `${returning}) select coalesce(json_agg(changed), '[]')::text as body, count(*) as n ` +
      `from changed`;
    const result = await asRole(claims, async (tx) => {
      const [row] = await tx.unsafe(text, asLiterals(values) as postgres.ParameterOrJSON<never>[]);
      return { body: row.body as string, n: Number(row.n) };
    });
    const headers: Record<string, string> = { ...corsHeaders, "content-range": `*/${result.n}` };
    if (!prefer.representation) return new Response(null, { status: 204, headers });
    headers["content-type"] = "application/json; charset=utf-8";
    return new Response(result.body, { status: 200, headers });
  }

  const handler = (async (req: Request): Promise<Response> => {
    if (req.method === "OPTIONS") return preflight();
    const key = await checkApiKey(req, options.jwtSecret);
    if (!key.ok) return key.response;
    let role = "anon";
    try {
      const claims = await claimsFor(req, key.claims);
      role = String(claims.role ?? "anon");
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
      if (!(await relationExists(relation))) {
        throw new QueryError(
          404,
          "PGRST205",
          `Could not find the table 'public.${relation}' in the schema cache`,
        );
      }
      if (req.method === "GET" || req.method === "HEAD") return await read(req, relation, claims);
      if (req.method === "PATCH") return await update(req, relation, claims);
      throw new QueryError(
        405,
        "PGRST117",
        `Unsupported HTTP method: ${req.method} (the local stand-in serves GET, HEAD and PATCH)`,
      );
    } catch (error) {
      if (error instanceof QueryError) return postgrestError(error);
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
  }) as RestHandler;
  handler.close = () => sql.end({ timeout: 5 });
  return handler;
}
