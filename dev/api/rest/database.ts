// DEVELOPMENT ONLY: how the REST stand-in touches PostgreSQL: every statement in a transaction as
// the JWT's role with `request.jwt.claims` set, exactly as PostgREST does, so the real grants and
// row-level security decide. The pool logs in as `authenticator`, as PostgREST does, which may
// only switch to those roles.
import type postgres from "postgres";
import type { JwtClaims } from "../jwt.ts";
import { QueryError } from "./query.ts";

const allowedRoles = new Set(["anon", "authenticated", "service_role"]);

// PostgREST treats every value as an untyped literal that the column's type reads. Sent as
// plain strings, postgres.js would serialize them with the column type's own serializer,
// which turns the string "true" into boolean false (so `id=eq.true` matched nothing).
const UNKNOWN_OID = 705;

export function asLiterals(
  sql: postgres.Sql,
  values: unknown[],
): postgres.ParameterOrJSON<never>[] {
  return values.map((value) =>
    typeof value === "string" ? sql.typed(value, UNKNOWN_OID) : value
  ) as postgres.ParameterOrJSON<never>[];
}

/** Whether `public.<name>` is a table, view or other relation PostgREST would expose. */
export async function relationExists(sql: postgres.Sql, name: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname = ${name} and c.relkind in ('r', 'v', 'm', 'p', 'f')`;
  return Boolean(row);
}

export async function asRole<T>(
  sql: postgres.Sql,
  claims: JwtClaims,
  run: (tx: postgres.TransactionSql) => Promise<T>,
) {
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
