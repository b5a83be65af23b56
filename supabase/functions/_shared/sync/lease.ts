// One run per entity at a time: a lease row in sync_state that a crashed run's successor can
// take once it expires. Every page transaction renews it as it records the page (ingest_page.ts)
// and fails if it was lost.
import type { Sql, TransactionSql } from "../database.ts";

export interface LeasedState {
  cursor: number;
  importStatus: "running" | "completed" | "failed" | null;
  importId: string | null;
  lastOverlapAt: Date | null;
}

export class LeaseLostError extends Error {
  constructor(entity: string) {
    super(`The lease on "${entity}" was lost (it expired and another run took it)`);
    this.name = "LeaseLostError";
  }
}

/** Takes the entity's lease, or returns null when a live run holds it. */
export async function acquireLease(
  sql: Sql,
  entity: string,
  owner: string,
  ttlMs: number,
): Promise<LeasedState | null> {
  await sql`insert into public.sync_state (entity) values (${entity}) on conflict (entity) do nothing`;
  const rows = await sql<
    {
      cursor: number;
      import_status: LeasedState["importStatus"];
      import_id: string | null;
      last_overlap_at: Date | null;
    }[]
  >`
    update public.sync_state
    set lease_owner = ${owner}::uuid,
        lease_expires_at = clock_timestamp() + ${ttlMs} * interval '1 millisecond',
        updated_at = now()
    where entity = ${entity}
      and (lease_owner is null or lease_expires_at < clock_timestamp())
    returning cursor, import_status, import_id, last_overlap_at`;
  if (rows.length === 0) return null;
  const row = rows[0];
  return {
    cursor: row.cursor,
    importStatus: row.import_status,
    importId: row.import_id,
    lastOverlapAt: row.last_overlap_at,
  };
}

export async function releaseLease(sql: Sql | TransactionSql, entity: string, owner: string) {
  await sql`
    update public.sync_state
    set lease_owner = null, lease_expires_at = null, updated_at = now()
    where entity = ${entity} and lease_owner = ${owner}::uuid`;
}
