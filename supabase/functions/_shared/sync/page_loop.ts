// The heart of a run: fetch a page, validate it, land it in its own transaction, repeat. The
// next page is requested while the current one commits, and the loop stops while there is
// still time to close the run.
import type { Clock } from "../clock.ts";
import type { Sql } from "../database.ts";
import { subResourceChildren } from "../entities/registry.ts";
import type { LightspeedClient } from "../lightspeed/client.ts";
import { pageByVersion } from "../lightspeed/pager.ts";
import { type CpuBudget, unparsedPageCostMs } from "./cpu_budget.ts";
import { type IngestContext, ingestPage } from "./ingest_page.ts";
import { type PreparedPage, preparePage, validateUnchecked } from "./prepared_page.ts";
import { attachSubResources } from "./sub_resources.ts";

// Time kept back for the last commit and closing the run.
export const CLOSING_RESERVE_MS = 2_000;

export interface PageLoop {
  sql: Sql;
  client: LightspeedClient;
  clock: Clock;
  /** The open run the pages land in. */
  context: IngestContext;
  pageSize: number;
  /** Epoch ms by which the run must have checkpointed and stopped. */
  deadline: number;
  cpuBudget?: CpuBudget;
  /**
   * Aborted when the platform is about to stop the worker: the Lightspeed request in flight is
   * abandoned, a commit in progress finishes, and the loop throws the signal's reason.
   */
  signal?: AbortSignal;
}

/** How far a run got: updated with each page's commit, so a failure still reports it. */
export interface RunProgress {
  cursor: number;
  records: number;
  pages: number;
  /** The last page was read: nothing after `cursor` was left. */
  reachedEnd: boolean;
}

// Pages that failed PostgreSQL's check in a row before the run validates the rest itself: each
// such page is parsed twice (by PostgreSQL, then by the function), which a store whose records
// always take the slow path should pay only twice per run.
const CHECK_FAILURES_BEFORE_VALIDATING = 2;

/** Whether the run still hands pages to PostgreSQL unparsed (README "How a page lands"). */
interface Handover {
  checkFailuresInARow: number;
  validateInFunction: boolean;
}

/**
 * Fetches the pages after `after` one by one, each validated as soon as it arrives: its parsed
 * records die young (cheap for the garbage collector) instead of waiting, alive, for the
 * previous page's commit. Resolves null after the last page.
 */
function pageSource(
  loop: PageLoop,
  after: number,
  handover: Handover,
): () => Promise<PreparedPage | null> {
  const { client, cpuBudget } = loop;
  const { entity } = loop.context;
  const request = { deadline: loop.deadline - CLOSING_RESERVE_MS, signal: loop.signal };
  const subResources = subResourceChildren(entity).length > 0;
  const pager = pageByVersion(client, {
    path: entity.path,
    after,
    pageSize: loop.pageSize,
    deleted: entity.supportsDeleted,
    // Sub-resources are fetched per parsed parent; any other page can land unparsed.
    scanOnly: !subResources,
    ...request,
  });
  const withChildren = subResources
    ? (page: PreparedPage) => attachSubResources({ sql: loop.sql, client, entity, request }, page)
    : null;
  let parsedMs = 0;
  return () =>
    pager.next().then((result) => {
      if (result.done) return null;
      const parseMs = client.stats.parseMs - parsedMs;
      parsedMs = client.stats.parseMs;
      const started = performance.now();
      let page = preparePage(entity, result.value);
      if (page.unchecked && handover.validateInFunction) page = validateUnchecked(entity, page);
      if (cpuBudget) {
        cpuBudget.spentMs += performance.now() - started + parseMs +
          (page.unchecked ? unparsedPageCostMs(page.unchecked.bytes.byteLength) : 0);
      }
      return withChildren ? withChildren(page) : page;
    });
}

/**
 * Lands pages from `progress.cursor` on until the last one, the deadline, the CPU budget or the
 * worker's stop signal (which it throws once the page in progress has committed).
 */
export async function landPages(loop: PageLoop, progress: RunProgress): Promise<void> {
  const { clock, deadline, cpuBudget } = loop;
  const handover: Handover = { checkFailuresInARow: 0, validateInFunction: false };
  const fetchNext = pageSource(loop, progress.cursor, handover);
  const context = {
    ...loop.context,
    onValidatedAfterCheck: (why: string) => {
      handover.checkFailuresInARow++;
      if (handover.checkFailuresInARow < CHECK_FAILURES_BEFORE_VALIDATING) return;
      if (!handover.validateInFunction) {
        console.warn(
          `Pages of ${loop.context.entity.name} keep needing the validator (${why}): ` +
            "this run validates the rest of its pages in the function",
        );
      }
      handover.validateInFunction = true;
    },
  };
  let slowestPageMs = 0;
  let pageStarted = clock.now();
  // The next page is requested while this one commits: fetching and landing overlap, and the
  // cursor still moves only after each page's own commit.
  let next: Promise<PreparedPage | null> | null = fetchNext();
  next.catch(() => {});
  while (next) {
    const page = await next;
    next = null;
    if (page === null) {
      progress.reachedEnd = true;
      return;
    }
    // After an incomplete page the pager is ahead of the cursor: nothing more may land.
    if (!page.incomplete && !cpuBudget?.exhausted && deadline - clock.now() > CLOSING_RESERVE_MS) {
      next = fetchNext();
      // Handled now, awaited later: a fetch that fails while this page commits must not be
      // an unhandled rejection (which would end the whole process); the await rethrows it.
      next.catch(() => {});
    }
    const failures = handover.checkFailuresInARow;
    const counts = await ingestPage(loop.sql, context, page);
    // An unchecked page that passed the check ends a run of failures.
    if (page.unchecked && handover.checkFailuresInARow === failures) {
      handover.checkFailuresInARow = 0;
    }
    progress.cursor = page.versionMax;
    progress.records += counts.received;
    progress.pages++;
    loop.signal?.throwIfAborted();
    const now = clock.now();
    slowestPageMs = Math.max(slowestPageMs, now - pageStarted);
    pageStarted = now;
    // Stop while there is still time for one more page like the slowest so far.
    if (!next || deadline - now < CLOSING_RESERVE_MS + slowestPageMs) return;
  }
}
