// The naive baseline the engine is compared with: what a first attempt looks like. Pages one
// after another, one INSERT round trip per row (children included), no request budget: it
// sends until Lightspeed answers 429 and then sleeps for Retry-After. It writes fewer typed
// columns than the engine (id, version, deleted_at, raw), which only flatters it.
import type { Sql } from "../supabase/functions/_shared/database.ts";
import { sleep } from "../dev/demo_processes.ts";
import type { Json } from "./stack.ts";

interface NaiveEntity {
  path: string;
  table: string;
  pageSize: number;
  deleted: boolean;
}

export const NAIVE_ENTITIES: NaiveEntity[] = [
  { path: "outlets", table: "lightspeed_outlets", pageSize: 1000, deleted: true },
  { path: "registers", table: "lightspeed_registers", pageSize: 1000, deleted: true },
  { path: "customers", table: "lightspeed_customers", pageSize: 1000, deleted: true },
  { path: "products", table: "lightspeed_products", pageSize: 1000, deleted: true },
  { path: "sales", table: "lightspeed_sales", pageSize: 500, deleted: false },
  { path: "inventory", table: "lightspeed_inventory", pageSize: 1000, deleted: false },
];

export interface NaiveResult {
  ms: number;
  requests: number;
  rateLimited: number;
  rows: number;
}

export async function naiveImport(
  sql: Sql,
  baseUrl: string,
  token: string,
  pageSizeOverride?: number,
): Promise<NaiveResult> {
  const started = performance.now();
  const result: NaiveResult = { ms: 0, requests: 0, rateLimited: 0, rows: 0 };
  for (const entity of NAIVE_ENTITIES) {
    let after = 0;
    const size = Math.min(pageSizeOverride ?? entity.pageSize, entity.pageSize);
    while (true) {
      const url = `${baseUrl}/${entity.path}?after=${after}&page_size=${size}` +
        (entity.deleted ? "&deleted=true" : "");
      result.requests++;
      const reply = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (reply.status === 429) {
        result.rateLimited++;
        const retryAt = Date.parse(reply.headers.get("retry-after") ?? "");
        await reply.body?.cancel();
        await sleep(Number.isFinite(retryAt) ? Math.max(0, retryAt - Date.now()) : 1_000);
        continue;
      }
      if (!reply.ok) throw new Error(`naive: ${url} answered ${reply.status}`);
      const body: Json = await reply.json();
      if (!Array.isArray(body.data) || body.data.length === 0) break;
      for (const record of body.data) {
        await sql.unsafe(
          `insert into public.${entity.table} (id, version, deleted_at, raw)
           values ($1, $2, $3, $4::text::jsonb)
           on conflict (id) do update set version = excluded.version,
             deleted_at = excluded.deleted_at, raw = excluded.raw, synced_at = now()`,
          [record.id, record.version, record.deleted_at ?? null, JSON.stringify(record)],
        );
        result.rows++;
        if (entity.path !== "sales") continue;
        for (
          const [field, table] of [
            ["line_items", "lightspeed_sale_line_items"],
            ["payments", "lightspeed_sale_payments"],
          ]
        ) {
          for (const child of record[field] ?? []) {
            await sql.unsafe(
              `insert into public.${table} (sale_id, id, raw) values ($1, $2, $3::text::jsonb)
               on conflict do nothing`,
              [record.id, child.id, JSON.stringify(child)],
            );
            result.rows++;
          }
        }
      }
      after = body.version.max;
    }
  }
  result.ms = performance.now() - started;
  return result;
}
