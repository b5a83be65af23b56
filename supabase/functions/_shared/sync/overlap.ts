// Late-committed records can carry a version below a saved cursor. The nightly scheduled run
// asks for a re-read; a run then starts from the cursor the entity had `overlap_window` ago,
// and the guarded upsert makes that cost pages only, never duplicates. Without a nightly run
// (another scheduler, a paused job) a run re-reads by itself once `overlap_every` plus an
// hour has passed; the hour keeps that fallback from running just before the nightly one.
// A re-read counts as done (last_overlap_at) only once it commits a page or completes: one that
// fails first stays due, instead of waiting for the next nightly run.
import type { Sql, TransactionSql } from "../database.ts";

/** The cursor to start from instead of `cursor`, or null when no overlap re-read is due. */
export async function overlapStartCursor(
  sql: Sql,
  entity: string,
  cursor: number,
  options: { requested: boolean },
): Promise<number | null> {
  const [due] = await sql<{ due: boolean; window_start: number | null }[]>`
    select
      (${options.requested} or st.last_overlap_at is null
        or st.last_overlap_at <= now() - se.overlap_every - interval '1 hour') as due,
      (select l.cursor_end from public.sync_log as l
        where l.entity = st.entity and l.status in ('completed', 'partial')
          and l.finished_at <= now() - se.overlap_window
        order by l.finished_at desc limit 1) as window_start
    from public.sync_state as st
    join public.sync_settings as se using (entity)
    where st.entity = ${entity}`;
  if (!due?.due) return null;
  if (due.window_start === null || due.window_start >= cursor) {
    // With no history that old yet there is nothing earlier to re-read: done for this period.
    await markOverlapRead(sql, entity);
    return null;
  }
  return due.window_start;
}

/** Records that an overlap re-read happened; in a page's transaction, with that page. */
export async function markOverlapRead(sql: Sql | TransactionSql, entity: string): Promise<void> {
  await sql`update public.sync_state set last_overlap_at = now() where entity = ${entity}`;
}
