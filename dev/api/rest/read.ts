// DEVELOPMENT ONLY: GET and HEAD /rest/v1/<relation> — rows as one JSON array with PostgREST's
// Content-Range, and the exact total when `Prefer: count=exact` asks for it.
import type postgres from "postgres";
import type { JwtClaims } from "../jwt.ts";
import { asLiterals, asRole } from "./database.ts";
import { parsePrefer, parseReadQuery, quoteIdentifier } from "./query.ts";

export async function read(
  sql: postgres.Sql,
  req: Request,
  relation: string,
  claims: JwtClaims,
  maxRows: number,
): Promise<Response> {
  const url = new URL(req.url);
  const query = parseReadQuery(url.searchParams, maxRows);
  const prefer = parsePrefer(req.headers.get("prefer"));
  const from = `public.${quoteIdentifier(relation)}`;
  const { rows, total } = await asRole(sql, claims, async (tx) => {
    const text = `select coalesce(json_agg(t), '[]')::text as body from (select ${query.columns} ` +
      `from ${from} ${query.where} ${query.orderBy} limit ${query.limit} offset ${query.offset}) t`;
    const params = asLiterals(sql, query.params);
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
    "content-type": "application/json; charset=utf-8",
    "content-range": range,
  };
  return new Response(req.method === "HEAD" ? null : rows, { status: 200, headers });
}
