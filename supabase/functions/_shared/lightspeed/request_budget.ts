/**
 * The request budget every Lightspeed call draws from. Lightspeed allows
 * 300 × registers + 50 requests per 5 minutes per store and app, shared by every process
 * that syncs the store, so the budget lives in Postgres (migration
 * 20261125090500_create_request_budget.sql) and is claimed one request at a time.
 */
import type postgres from "postgres";
import { type Clock, type LightspeedClient, systemClock } from "./client.ts";
import { DeadlineExceededError } from "./errors.ts";
import { pageByVersion } from "./pager.ts";

/** Gate every Lightspeed request passes before it is sent. */
export interface RequestBudget {
  /** Resolves when one request may be sent; throws DeadlineExceededError if that is too late. */
  acquire(options: { deadline: number; signal?: AbortSignal }): Promise<void>;
  /** Holds back every caller of this store until epochMs (after a 429). */
  pauseUntil(epochMs: number): Promise<void>;
}

/** Options of {@link createPostgresRequestBudget}. */
export interface PostgresRequestBudgetOptions {
  /** Identifies the store (e.g. its domain prefix); every process must use the same key. */
  storeKey: string;
  /** Lightspeed's allowance per window, see {@link registerCountToLimit}. */
  requestLimit: number;
  /** Lightspeed's window: 300000 (5 minutes); shrunk in tests. */
  windowMs: number;
  /** Fraction of the limit to use, leaving headroom for other apps' clocks and latency. */
  safety: number;
  clock?: Clock;
}

/** A {@link RequestBudget} shared through Postgres by every process of a store. */
export interface PostgresRequestBudget extends RequestBudget {
  /** floor(requestLimit × safety): the most requests sent in any window. */
  readonly allowedRequests: number;
}

/** Lightspeed's documented request allowance per 5 minutes for a store's register count. */
export function registerCountToLimit(registerCount: number): number {
  if (!Number.isSafeInteger(registerCount) || registerCount < 0) {
    throw new RangeError(`Register count must be a whole number, got "${registerCount}"`);
  }
  return 300 * registerCount + 50;
}

/** Counts the store's registers that are not deleted (they set the rate limit). */
export async function readRegisterCount(
  client: Pick<LightspeedClient, "getJson">,
  deadline: number,
): Promise<number> {
  let count = 0;
  const pages = pageByVersion(client, {
    path: "/registers",
    pageSize: 200,
    deleted: false,
    deadline,
  });
  for await (const page of pages) {
    for (const register of page.records) {
      const deletedAt = (register as { deleted_at?: unknown } | null)?.deleted_at;
      if (deletedAt === undefined || deletedAt === null) count++;
    }
  }
  return count;
}

/**
 * A budget kept in Postgres: at most floor(requestLimit × safety) claims in any sliding
 * window of windowMs, timed by the database clock so every process agrees.
 */
export function createPostgresRequestBudget(
  sql: postgres.Sql,
  options: PostgresRequestBudgetOptions,
): PostgresRequestBudget {
  const { storeKey, requestLimit, windowMs, safety, clock = systemClock } = options;
  if (storeKey === "") throw new RangeError("Store key must not be empty");
  if (!(safety > 0 && safety <= 1)) {
    throw new RangeError(`Safety must be above 0 and at most 1, got "${safety}"`);
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1 || windowMs > 2 ** 31 - 1) {
    throw new RangeError(`Window must be a positive whole number of ms, got "${windowMs}"`);
  }
  const allowedRequests = Math.floor(requestLimit * safety);
  if (!Number.isSafeInteger(allowedRequests) || allowedRequests < 1) {
    throw new RangeError(
      `Request limit "${requestLimit}" with safety "${safety}" leaves no request to send`,
    );
  }

  async function acquire({ deadline, signal }: { deadline: number; signal?: AbortSignal }) {
    while (true) {
      signal?.throwIfAborted();
      const [row] = await sql<{ wait_ms: number }[]>`
        select sync_private.claim_request_slot(${storeKey}, ${allowedRequests}, ${windowMs})
          as wait_ms
      `;
      const waitMs = row.wait_ms;
      if (waitMs === 0) return;
      if (clock.now() + waitMs > deadline) {
        throw new DeadlineExceededError("a Lightspeed request slot", waitMs, deadline);
      }
      await clock.sleep(waitMs, signal);
    }
  }

  async function pauseUntil(epochMs: number) {
    // Convert to a duration: the database clock, not this process's, times the pause.
    const pauseMs = Math.min(2 ** 31 - 1, Math.max(0, Math.ceil(epochMs - clock.now())));
    await sql`select sync_private.pause_request_budget(${storeKey}, ${pauseMs})`;
  }

  return { acquire, pauseUntil, allowedRequests };
}
