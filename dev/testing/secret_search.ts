// Searches every table a secret could leak into for secret values, row by row as JSON: each
// table of public, sync_private, cron and net (Vault, where secrets belong, is skipped). As the
// database owner by default, or as an API role (anon, authenticated) with SET ROLE, to see what
// a holder of the project's publishable key could read: a table the role may not read is
// reported as refused, which is the outcome wanted for pg_net's tables (README § Security).
import type { Sql } from "../../supabase/functions/_shared/database.ts";

export const apiRoles = ["anon", "authenticated"] as const;
export type ApiRole = typeof apiRoles[number];

export interface SecretSearch {
  /** "<table> holds <first characters of the value>…", one per table and value found. */
  found: string[];
  /** Tables the role may not read. */
  refused: string[];
}

const searchedSchemas = ["public", "sync_private", "cron", "net"];

async function tableNames(sql: Sql, schemas: string[]): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(${schemas}) and c.relkind in ('r', 'p')
    order by 1`;
  return rows.map((r) => r.name);
}

/** One table's hits, in a transaction of its own so a refusal does not end the search. */
async function searchTable(
  sql: Sql,
  table: string,
  values: string[],
  role: ApiRole | undefined,
): Promise<string[] | "refused"> {
  try {
    return await sql.begin(async (tx) => {
      if (role) await tx.unsafe(`set local role ${role}`);
      const [row] = await tx.unsafe<{ hits: string[] | null }[]>(
        `select array_agg(distinct s) filter (where s is not null) as hits
         from ${table} as t cross join lateral (
           select v as s from unnest($1::text[]) as v where strpos(row_to_json(t)::text, v) > 0
         ) as x`,
        [values],
      );
      return row.hits ?? [];
    });
  } catch (error) {
    if ((error as { code?: string }).code === "42501") return "refused";
    throw error;
  }
}

export async function searchSecrets(
  sql: Sql,
  values: Iterable<string>,
  options: { role?: ApiRole; schemas?: string[] } = {},
): Promise<SecretSearch> {
  const list = [...values];
  const result: SecretSearch = { found: [], refused: [] };
  for (const table of await tableNames(sql, options.schemas ?? searchedSchemas)) {
    const hits = await searchTable(sql, table, list, options.role);
    if (hits === "refused") result.refused.push(table);
    else for (const hit of hits) result.found.push(`${table} holds ${hit.slice(0, 18)}…`);
  }
  return result;
}

/**
 * What the owner and each API role find, each finding naming who found it; pg_net's tables count
 * as a finding whenever an API role may read them, since they hold every request's headers.
 */
export async function secretsFoundByAnyRole(
  sql: Sql,
  values: Iterable<string>,
  schemas?: string[],
): Promise<string[]> {
  const list = [...values];
  const found = (await searchSecrets(sql, list, { schemas })).found;
  const netTables = await tableNames(sql, ["net"]);
  for (const role of apiRoles) {
    const asRole = await searchSecrets(sql, list, { role, schemas });
    found.push(...asRole.found.map((hit) => `as ${role}: ${hit}`));
    const readable = netTables.filter((t) => !asRole.refused.includes(t));
    found.push(...readable.map((table) => `as ${role}: ${table} is readable`));
  }
  return found;
}

/** Which of the texts (replies, pages, log lines) hold any of the values: "<n> holds <start>…". */
export function textsHolding(texts: readonly string[], values: Iterable<string>): string[] {
  const list = [...values].filter((value) => value.length >= 8);
  return texts.flatMap((text, index) =>
    list.filter((value) => text.includes(value)).map((value) =>
      `text ${index} holds ${value.slice(0, 18)}…`
    )
  );
}
