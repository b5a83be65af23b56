// DEVELOPMENT ONLY: PATCH /rest/v1/<relation> — updates the filtered rows; with
// `Prefer: return=representation` answers the changed rows, else 204.
import type postgres from "postgres";
import type { JwtClaims } from "../jwt.ts";
import { asLiterals, asRole } from "./database.ts";
import { buildWhere, parseAssignments, parsePrefer, QueryError, quoteIdentifier } from "./query.ts";

export async function update(
  sql: postgres.Sql,
  req: Request,
  relation: string,
  claims: JwtClaims,
): Promise<Response> {
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
  const result = await asRole(sql, claims, async (tx) => {
    const [row] = await tx.unsafe(text, asLiterals(sql, values));
    return { body: row.body as string, n: Number(row.n) };
  });
  const headers: Record<string, string> = { "content-range": `*/${result.n}` };
  if (!prefer.representation) return new Response(null, { status: 204, headers });
  headers["content-type"] = "application/json; charset=utf-8";
  return new Response(result.body, { status: 200, headers });
}
