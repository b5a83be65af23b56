// Re-fetches the sales of a range of local dates through `/search?type=sales`, whose
// `date_from`/`date_to` are UTC: the range is worked out from local midnights in the store's
// time zone (its outlets' time_zone), by PostgreSQL, which knows every zone's DST rules. The
// search pages by offset; each page lands through the repair run, and the offset reached is
// kept so the next invocation continues from it.
import type { Sql } from "../database.ts";
import type { LightspeedClient } from "../lightspeed/client.ts";
import { CLOSING_RESERVE_MS } from "../sync/page_loop.ts";
import type { RepairRun } from "./repair_run.ts";

// Lightspeed cuts a larger search page_size to 1000 without saying so.
export const MAX_SEARCH_PAGE_SIZE = 1000;

export class RepairRequestError extends Error {}

export interface UtcRange {
  timeZone: string;
  /** ISO instants, e.g. 2026-11-01T04:00:00Z: the first local date's midnight... */
  dateFrom: string;
  /** ...and the midnight after the last local date. */
  dateTo: string;
}

/** The store's time zone: the one its outlets share, else the one the caller names. */
async function storeTimeZone(sql: Sql, named?: string): Promise<string> {
  if (named) return named;
  const rows = await sql<{ time_zone: string }[]>`
    select distinct time_zone from public.lightspeed_outlets
    where deleted_at is null and time_zone is not null order by 1`;
  if (rows.length === 1) return rows[0].time_zone;
  throw new RepairRequestError(
    rows.length === 0
      ? "No outlet with a time zone is synced yet: name the time zone (time_zone)"
      : `The outlets are in ${rows.length} time zones (${
        rows.map((r) => r.time_zone).join(", ")
      }): name the one the dates are in (time_zone)`,
  );
}

/** UTC bounds of the local dates `from`..`to` (both included, YYYY-MM-DD). */
export async function utcRangeOf(
  sql: Sql,
  from: string,
  to: string,
  named?: string,
): Promise<UtcRange> {
  const timeZone = await storeTimeZone(sql, named);
  const [known] = await sql`select 1 from pg_catalog.pg_timezone_names where name = ${timeZone}`;
  if (!known) throw new RepairRequestError(`Unknown time zone "${timeZone.slice(0, 100)}"`);
  const [row] = await sql<{ date_from: string; date_to: string }[]>`
    select
      to_char((${from}::date::timestamp at time zone ${timeZone}) at time zone 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS"Z"') as date_from,
      to_char(((${to}::date + 1)::timestamp at time zone ${timeZone}) at time zone 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS"Z"') as date_to`;
  return { timeZone, dateFrom: row.date_from, dateTo: row.date_to };
}

export interface RangeProgress {
  /** Search results already landed: the offset of the next page. */
  offset: number;
  pages: number;
  records: number;
  rejected: number;
  done: boolean;
}

/** Lands search pages from `progress.offset` until the last one or the deadline. */
export async function refetchSalesRange(
  run: RepairRun,
  client: LightspeedClient,
  range: UtcRange,
  progress: RangeProgress,
  options: { pageSize: number; deadline: number; signal?: AbortSignal },
): Promise<void> {
  const pageSize = Math.min(options.pageSize, MAX_SEARCH_PAGE_SIZE);
  while (!progress.done) {
    if (options.deadline - Date.now() <= CLOSING_RESERVE_MS || options.signal?.aborted) return;
    const { body, reply } = await client.getJson("/search", {
      type: "sales",
      date_from: range.dateFrom,
      date_to: range.dateTo,
      order_direction: "asc",
      offset: progress.offset,
      page_size: pageSize,
    }, { deadline: options.deadline - CLOSING_RESERVE_MS, signal: options.signal });
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) {
      throw new Error('Lightspeed\'s /search answered without a "data" array');
    }
    if (data.length > 0) {
      const counts = await run.land(data, reply);
      progress.pages++;
      progress.records += data.length;
      progress.rejected += counts.rejected;
      progress.offset += data.length;
    }
    // A short page is the last one: offset paging has no other end marker.
    progress.done = data.length < pageSize;
  }
}
