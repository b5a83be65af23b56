// sync_rejects: the records a page could not land, one row per record key, filed in the page's
// own transaction and resolved when a valid version of the record lands.
import type { TransactionSql } from "../database.ts";
import type { RejectedRecord } from "../entities/record_validation.ts";
import { withinNesting } from "./json_nesting.ts";

/** Files (or refreshes) a reject row for each record, under this run. */
export async function fileRejects(
  tx: TransactionSql,
  entity: string,
  runId: number,
  rejects: readonly RejectedRecord[],
): Promise<void> {
  const payload = JSON.stringify(rejects.map((r) => ({
    record_id: r.recordId,
    version: r.version,
    reason: r.reason,
    // A payload nested too deep for PostgreSQL (or JSON.stringify) keeps all but those fields.
    raw: withinNesting(r.raw),
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
