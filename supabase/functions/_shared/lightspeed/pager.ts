/**
 * Version paging of Lightspeed API 2.0 lists: ask for `after`, then continue from the
 * `version.max` of the page just read, until a page comes back with no data (README, "How it
 * works").
 */
import type { LightspeedClient } from "./client.ts";
import { LightspeedResponseError } from "./errors.ts";
import { ScannedPage, scanPage } from "./page_scan.ts";
import type { ReplyBody } from "./reply_body.ts";

/** One non-empty page of a version-paged list. */
export interface VersionPage {
  /**
   * The parsed records, or null when the reply was only scanned (`scanOnly`): then `reply`
   * holds them, and PostgreSQL parses them (landUnchecked in sync/ingest_page.ts).
   */
  records: unknown[] | null;
  versionMin: number;
  /** The cursor to save once this page's rows are committed. */
  versionMax: number;
  /** The `after` this page was requested with. */
  requestAfter: number;
  /** The reply the page was read from; dropped once the page is validated. */
  reply?: ReplyBody;
}

/** Options of {@link pageByVersion}. */
export interface PageByVersionOptions {
  /** e.g. "/customers" */
  path: string;
  /** Exclusive lower bound: the saved cursor, 0 for everything. */
  after?: number;
  /** Upper bound to cap a run at the versions that existed when it started. */
  before?: number;
  pageSize: number;
  /** Ask for soft-deleted rows too; only some endpoints accept it. */
  deleted: boolean;
  /** Epoch ms the whole paging must fit in. */
  deadline: number;
  signal?: AbortSignal;
  /** Leave a page's records unparsed when its ends give its version (page_scan.ts). */
  scanOnly?: boolean;
}

/**
 * Yields every non-empty page from `after` on. Stops only on an empty `data`: a short page is
 * not the end. An empty page's `version` is never read, whatever it holds. Rejects a page
 * whose `version.max` does not advance past `after`, which would otherwise loop forever.
 */
export async function* pageByVersion(
  client: PagingClient,
  options: PageByVersionOptions,
): AsyncGenerator<VersionPage, void, undefined> {
  const { path, before, pageSize, deleted, deadline, signal, scanOnly = false } = options;
  let after = options.after ?? 0;
  requireSafeInteger("after", after, 0);
  if (before !== undefined) requireSafeInteger("before", before, 0);
  requireSafeInteger("pageSize", pageSize, 1);

  while (true) {
    // Fetched in a helper so nothing but the page itself stays referenced while it is used.
    const page = await fetchPage(client, path, after, before, pageSize, deleted, {
      deadline,
      signal,
      readBody: scanOnly ? scanOrParse : undefined,
    });
    if (page === undefined) return;
    yield page;
    after = page.versionMax;
  }
}

type PagingClient = Pick<LightspeedClient, "getJson">;

const scanOrParse = (reply: ReplyBody): unknown => scanPage(reply.bytes) ?? JSON.parse(reply.text);

async function fetchPage(
  client: PagingClient,
  path: string,
  after: number,
  before: number | undefined,
  pageSize: number,
  deleted: boolean,
  options: { deadline: number; signal?: AbortSignal; readBody?: (reply: ReplyBody) => unknown },
): Promise<VersionPage | undefined> {
  const params = { after, before, page_size: pageSize, deleted: deleted ? "true" : undefined };
  const reply = await client.getJson(path, params, options);
  const page = readPage(path, after, reply.body);
  return page && { ...page, reply: reply.reply };
}

function readPage(path: string, after: number, body: unknown): VersionPage | undefined {
  if (body instanceof ScannedPage) {
    return checkedBounds(path, after, null, body.versionMin, body.versionMax);
  }
  if (!isObject(body) || !Array.isArray(body.data)) {
    throw new LightspeedResponseError(path, 'expected an object with a "data" array');
  }
  if (body.data.length === 0) return undefined;
  const version = body.version;
  if (!isObject(version)) {
    throw new LightspeedResponseError(path, 'a non-empty page has no "version" object');
  }
  return checkedBounds(path, after, body.data, version.min, version.max);
}

/** The page, once its version bounds are safe integers that move past `after`. */
function checkedBounds(
  path: string,
  after: number,
  records: unknown[] | null,
  min: unknown,
  max: unknown,
): VersionPage {
  if (!Number.isSafeInteger(max) || !Number.isSafeInteger(min)) {
    throw new LightspeedResponseError(
      path,
      `version bounds must be safe integers, got min "${min}" and max "${max}"`,
    );
  }
  const versionMin = min as number;
  const versionMax = max as number;
  if (versionMax <= after) {
    throw new LightspeedResponseError(
      path,
      `version.max "${versionMax}" does not advance past after "${after}"`,
    );
  }
  if (versionMin > versionMax) {
    throw new LightspeedResponseError(
      path,
      `version.min "${versionMin}" is above version.max "${versionMax}"`,
    );
  }
  return { records, versionMin, versionMax, requestAfter: after };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireSafeInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a safe integer of at least ${min}, got "${value}"`);
  }
}
