// Children fetched per parent from a sub-resource (consignment products: README, "Sub-resource
// children"). Before a page lands, each record whose version is newer than the stored row's gets
// its children fetched and attached under the child's field, so the page's one transaction lands
// parents, children and cursor together: the cursor can never pass a parent whose children were
// not fetched, whenever the process dies. Unchanged records cost no request.
import type { Sql } from "../database.ts";
import { DeadlineExceededError } from "../deadline.ts";
import { integerOf } from "../entities/column_kinds.ts";
import type { LightspeedRecord } from "../entities/record_check.ts";
import { validatePage } from "../entities/record_validation.ts";
import {
  type ChildCollection,
  type EntityDefinition,
  subResourceChildren,
} from "../entities/registry.ts";
import type { LightspeedClient, RequestOptions } from "../lightspeed/client.ts";
import { LightspeedRequestError, LightspeedResponseError } from "../lightspeed/errors.ts";
import { type PreparedPage, prepareValidated } from "./prepared_page.ts";
import { quoteIdentifier } from "./sql_text.ts";

/** Asked per request; only a full page is followed by another (README, "Sub-resource children"). */
export const SUB_RESOURCE_PAGE_SIZE = 1000;

/**
 * Parents whose children are fetched at once: a page of changed parents costs a few round trips
 * instead of one per parent, so it lands within a short worker life (README, "Sub-resource
 * children"). A page that needed one round trip per parent outlasted most lives of a worker
 * killed every 0.2–2 s, and the import never advanced.
 */
export const SUB_RESOURCE_PARALLELISM = 5;

export interface SubResourceFetch {
  sql: Sql;
  client: Pick<LightspeedClient, "getJson">;
  entity: EntityDefinition;
  request: RequestOptions;
}

/**
 * The page with the sub-resource children of its changed records attached. Out of time (or
 * told to stop) part-way, it is the part before the record being fetched, in ascending
 * version, marked incomplete with that part's highest version as its cursor.
 */
export async function attachSubResources(
  fetch: SubResourceFetch,
  page: PreparedPage,
): Promise<PreparedPage> {
  if (page.validCount === 0) return page;
  const records = (JSON.parse(page.json) as { data: LightspeedRecord[] }).data
    .sort((a, b) => compareVersions(a.version, b.version));
  const stored = await storedVersions(fetch.sql, fetch.entity, records);
  const changed = records.flatMap((record, index) => {
    const storedVersion = stored.get(String(record.id).toLowerCase());
    return storedVersion !== undefined && storedVersion >= integerOf(record.version)!
      ? []
      : [index];
  });
  for (let start = 0; start < changed.length; start += SUB_RESOURCE_PARALLELISM) {
    const batch = changed.slice(start, start + SUB_RESOURCE_PARALLELISM);
    const outcomes = await Promise.allSettled(
      batch.map((index) => attachChildren(fetch, records[index])),
    );
    const failed = outcomes.findIndex((o) => o.status === "rejected");
    if (failed === -1) continue;
    // Every record before the first failure (in version order) has its children.
    const error = (outcomes[failed] as PromiseRejectedResult).reason;
    const i = batch[failed];
    if (i === 0 || !isOutOfTime(error, fetch.request.signal)) throw error;
    return landable(fetch.entity, page, records.slice(0, i), true);
  }
  return landable(fetch.entity, page, records, false);
}

async function attachChildren(fetch: SubResourceFetch, record: LightspeedRecord): Promise<void> {
  for (const child of subResourceChildren(fetch.entity)) {
    record[child.field] = await fetchChildren(fetch, child, String(record.id));
  }
}

function compareVersions(a: unknown, b: unknown): number {
  const x = integerOf(a)!;
  const y = integerOf(b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Stored version per id (lower case) of the page's records that have a row. */
async function storedVersions(
  sql: Sql,
  entity: EntityDefinition,
  records: readonly LightspeedRecord[],
): Promise<Map<string, bigint>> {
  const rows = await sql.unsafe<{ id: string; version: string }[]>(
    `select id::text as id, version::text as version from public.${quoteIdentifier(entity.table)}
     where id = any($1::uuid[])`,
    [records.map((r) => String(r.id))],
  );
  return new Map(rows.map((row) => [row.id, BigInt(row.version)]));
}

/** Every child record of one parent: pages of SUB_RESOURCE_PAGE_SIZE until one is not full. */
async function fetchChildren(
  { client, request }: SubResourceFetch,
  child: ChildCollection,
  parentId: string,
): Promise<unknown[]> {
  const path = child.path!.replace("{id}", encodeURIComponent(parentId));
  const items: unknown[] = [];
  let after: number | undefined;
  while (true) {
    const reply = await client.getJson(path, { page_size: SUB_RESOURCE_PAGE_SIZE, after }, request)
      .catch((error: unknown) => {
        // The parent was deleted after its page was read: it has no children any more. Failing
        // instead would fail every run that reads it again.
        if (error instanceof LightspeedRequestError && error.status === 404) return null;
        throw error;
      });
    if (reply === null) return [];
    const body = reply.body as { data?: unknown; version?: { max?: unknown } } | null;
    if (typeof body !== "object" || body === null || !Array.isArray(body.data)) {
      throw new LightspeedResponseError(path, 'expected an object with a "data" array');
    }
    items.push(...body.data);
    if (body.data.length < SUB_RESOURCE_PAGE_SIZE) return items;
    const max = body.version?.max;
    if (!Number.isSafeInteger(max) || (max as number) <= (after ?? 0)) {
      throw new LightspeedResponseError(
        path,
        `a full page's version.max "${max}" does not advance`,
      );
    }
    after = max as number;
  }
}

function isOutOfTime(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof DeadlineExceededError || (signal?.aborted === true);
}

/**
 * The records validated again with their children (a bad child rejects its parent) and ready
 * to land; an incomplete part keeps only the rejects at or below its cursor.
 */
function landable(
  entity: EntityDefinition,
  page: PreparedPage,
  records: LightspeedRecord[],
  incomplete: boolean,
): PreparedPage {
  const validation = validatePage(entity, records);
  const versionMax = incomplete ? Number(records[records.length - 1].version) : page.versionMax;
  const earlier = incomplete
    ? page.rejects.filter((r) => r.version === null || r.version <= versionMax)
    : page.rejects;
  const rejects = [...earlier, ...validation.rejects];
  return prepareValidated(
    entity,
    { ...validation, rejects },
    {
      received: incomplete ? records.length + earlier.length : page.received,
      versionMax,
      incomplete,
    },
  );
}
