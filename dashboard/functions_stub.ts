// Test stand-in for the sync functions, used by the dashboard's browser test until it is switched
// to the real functions router: checks the caller's staff JWT like the real functions do
// (GET /auth/v1/user, then staff_members), writes the sync_log and sync_state rows a completed
// run writes, and replies with the contract §3 shape.
import type postgres from "postgres";
import { corsHeaders } from "../dev/api/auth/gateway.ts";

export interface StubCall {
  name: string;
  body: Record<string, unknown>;
}

export function functionsStub(authUrl: () => string, anonKey: string, calls: StubCall[]) {
  return async (req: Request, sql: postgres.Sql): Promise<Response | null> => {
    const match = new URL(req.url).pathname.match(/^\/functions\/v1\/([a-z-]+)$/);
    if (!match) return null;
    const headers = { ...corsHeaders, "content-type": "application/json" };
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
    const user = await fetch(`${authUrl()}/auth/v1/user`, {
      headers: { authorization: req.headers.get("authorization") ?? "", apikey: anonKey },
    });
    const id = user.ok ? (await user.json()).id : (await user.body?.cancel(), null);
    const [staff] = id ? await sql`select 1 from staff_members where user_id = ${id}` : [];
    if (!staff) {
      return new Response(JSON.stringify({ error: "Missing or invalid credentials" }), {
        status: 401,
        headers,
      });
    }
    const body = await req.json().catch(() => ({}));
    calls.push({ name: match[1], body });
    if (match[1] === "import-history") {
      return new Response(
        JSON.stringify({ import_id: crypto.randomUUID(), entities: ["stub"] }),
        { status: 202, headers },
      );
    }
    const entity = String(body.entity);
    const [run] = await sql<{ id: number; cursor: string }[]>`
      with state as (
        select coalesce((select cursor from sync_state where entity = ${entity}), 0) as cursor
      )
      insert into sync_log (entity, trigger, status, started_at, finished_at, duration_ms, pages,
        records_received, records_inserted, records_updated, cursor_start, cursor_end)
      select ${entity}, 'dashboard', 'completed', now() - interval '1.2 seconds', now(), 1200, 2,
        37, 30, 7, state.cursor, state.cursor + 37
      from state
      returning id, cursor_end as cursor`;
    await sql`
      insert into sync_state (entity, cursor, last_run_id, last_run_at, last_status,
        last_success_at, last_error)
      values (${entity}, ${run.cursor}, ${run.id}, now(), 'completed', now(), null)
      on conflict (entity) do update set cursor = excluded.cursor,
        last_run_id = excluded.last_run_id, last_run_at = now(), last_status = 'completed',
        last_success_at = now(), last_error = null, updated_at = now()`;
    return new Response(
      JSON.stringify({
        entity,
        status: "completed",
        records: 37,
        pages: 2,
        cursor: Number(run.cursor),
        more: false,
        duration_ms: 1200,
        run_id: run.id,
      }),
      { status: 200, headers },
    );
  };
}
