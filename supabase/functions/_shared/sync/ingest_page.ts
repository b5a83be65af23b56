// Lands one page in one transaction: typed upsert of the valid records, replacement of their
// children, rejects filed, the cursor advanced to the page's version.max and the run's counters
// updated. Either all of it commits or none of it does.
import type { Sql, TransactionSql } from "../database.ts";
import type { EntityDefinition } from "../entities/registry.ts";
import type { RejectedRecord } from "../entities/record_validation.ts";
import { createInputTable, ingestStatements } from "./ingest_statements.ts";
import { renewLease } from "./lease.ts";

export interface PageCounts {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** What a page needs to land: its valid records as JSON, how many, and its rejects. */
export interface PreparedPage {
  json: string;
  validCount: number;
  rejects: readonly RejectedRecord[];
}

export interface IngestContext {
  entity: EntityDefinition;
  runId: number;
  leaseOwner: string;
  leaseTtlMs: number;
}

async function fileRejects(
  tx: TransactionSql,
  entity: string,
  runId: number,
  rejects: readonly RejectedRecord[],
): Promise<void> {
  const payload = JSON.stringify(rejects.map((r) => ({
    record_id: r.recordId,
    version: r.version,
    reason: r.reason,
    raw: r.raw,
  })));
  // One row per record key (the same expression as the table's generated record_key): two
  // rejects with one key in a single insert would make ON CONFLICT fail the whole page, on
  // every retry. The last occurrence in the page wins, as a later page's would.
  await tx.unsafe(
    `insert into public.sync_rejects as s (entity, record_id, version, reason, raw, last_run_id)
     select distinct on (k.record_key) $1, k.record_id, k.version, k.reason, k.raw, $2
     from (
       select x.record_id, x.version, x.reason, coalesce(x.raw, 'null'::jsonb) as raw, x.ordinality,
         coalesce(x.record_id, 'md5:' || md5(coalesce(x.raw, 'null'::jsonb)::text)) as record_key
       from rows from (jsonb_to_recordset($3::text::jsonb)
         as (record_id text, version bigint, reason text, raw jsonb)) with ordinality
         as x(record_id, version, reason, raw, ordinality)
     ) as k
     order by k.record_key, k.ordinality desc
     on conflict (entity, record_key) do update
     set last_seen_at = now(), seen_count = s.seen_count + 1, reason = excluded.reason,
         version = excluded.version, last_run_id = excluded.last_run_id, resolved_at = null`,
    [entity, runId, payload],
  );
}

export async function ingestPage(
  sql: Sql,
  context: IngestContext,
  page: PreparedPage,
  received: number,
  versionMax: number,
): Promise<PageCounts> {
  const { entity } = context;
  const statements = ingestStatements(entity);
  return await sql.begin(async (tx) => {
    await renewLease(tx, entity.name, context.leaseOwner, context.leaseTtlMs);
    let inserted = 0;
    let applied: string[] = [];
    if (page.validCount > 0) {
      if (statements.loadInput) {
        await tx.unsafe(createInputTable);
        await tx.unsafe(statements.loadInput, [page.json]);
      }
      const rows = await tx.unsafe<{ id: string; inserted: boolean }[]>(
        statements.upsert,
        statements.loadInput ? [] : [page.json],
      );
      applied = rows.map((r) => r.id);
      inserted = rows.filter((r) => r.inserted).length;
      if (applied.length > 0) {
        for (const child of statements.children) {
          await tx.unsafe(child.deleteForParents, [applied]);
          await tx.unsafe(child.insertForParents, [applied]);
        }
        // A valid version of a record that was rejected before resolves its reject.
        await tx`
          update public.sync_rejects set resolved_at = now()
          where entity = ${entity.name} and resolved_at is null
            and record_key = any(${applied}::text[])`;
      }
    }
    if (page.rejects.length > 0) {
      await fileRejects(tx, entity.name, context.runId, page.rejects);
    }
    const counts: PageCounts = {
      received,
      inserted,
      updated: applied.length - inserted,
      unchanged: page.validCount - applied.length,
      rejected: page.rejects.length,
    };
    await tx`
      update public.sync_state
      set cursor = ${versionMax},
          import_records = import_records + case when import_status = 'running' then ${received} else 0 end,
          import_pages = import_pages + case when import_status = 'running' then 1 else 0 end,
          updated_at = now()
      where entity = ${entity.name}`;
    await tx`
      update public.sync_log
      set pages = pages + 1,
          records_received = records_received + ${counts.received},
          records_inserted = records_inserted + ${counts.inserted},
          records_updated = records_updated + ${counts.updated},
          records_unchanged = records_unchanged + ${counts.unchanged},
          records_rejected = records_rejected + ${counts.rejected},
          cursor_end = ${versionMax}
      where id = ${context.runId}`;
    return counts;
  });
}
