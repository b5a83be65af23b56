// What each role gets from the Data API for every relation of `public`, exactly as PostgREST
// answers: anon has no grant on any of them (PostgREST answers 401, code 42501, for the anon
// role), a signed-in user who is not staff is granted select but row-level security shows no
// row (200, `[]`), and staff read every relation (200, an array). Shared by the chaos access
// scenario and the REST stand-in's own tests, so the statuses are checked without the chaos
// suite too.
import type { Sql } from "../../supabase/functions/_shared/database.ts";

export interface DataApiCallers {
  /** The REST base, e.g. http://127.0.0.1:54321/rest/v1 */
  restUrl: string;
  /** The publishable (anon) key every request carries as `apikey`. */
  apiKey: string;
  nonStaffJwt: string;
  staffJwt: string;
}

/** A GET as anon (no token) or with a JWT: its status and body text (also given to onReply). */
type Fetcher = (path: string, token: string | null) => Promise<{ status: number; text: string }>;

export async function publicRelations(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select c.relname as name from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f') order by 1`;
  return rows.map((r) => r.name);
}

function fetcher(callers: DataApiCallers, onReply: (text: string) => void): Fetcher {
  return async (path, token) => {
    const reply = await fetch(`${callers.restUrl}/${path}`, {
      headers: {
        apikey: callers.apiKey,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    const text = await reply.text();
    onReply(text);
    return { status: reply.status, text };
  };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function codeOf(text: string): unknown {
  return (parsed(text) as { code?: unknown } | null)?.code ?? null;
}

/** Every deviation from the expected status per role and relation; empty when all hold. */
export async function dataApiAccessMismatches(
  relations: string[],
  callers: DataApiCallers,
  onReply: (text: string) => void = () => {},
): Promise<string[]> {
  const get = fetcher(callers, onReply);
  const mismatches: string[] = [];
  for (const name of relations) {
    const path = `${encodeURIComponent(name)}?select=*&limit=5`;
    const anon = await get(path, null);
    if (anon.status !== 401 || codeOf(anon.text) !== "42501") {
      mismatches.push(`anon ${name}: ${anon.status} ${anon.text.slice(0, 120)}`);
    }
    const nonStaff = await get(path, callers.nonStaffJwt);
    if (nonStaff.status !== 200 || nonStaff.text.trim() !== "[]") {
      mismatches.push(`non-staff ${name}: ${nonStaff.status} ${nonStaff.text.slice(0, 120)}`);
    }
    const staff = await get(path, callers.staffJwt);
    if (staff.status !== 200 || !Array.isArray(parsed(staff.text))) {
      mismatches.push(`staff ${name}: ${staff.status} ${staff.text.slice(0, 120)}`);
    }
  }
  return mismatches;
}
