/**
 * The request budget every Lightspeed call draws from. Lightspeed allows
 * 300 × registers + 50 requests per 5 minutes per store and app, shared by every process
 * that syncs the store, so the budget lives in Postgres (migrations
 * 20261125090500_create_request_budget.sql, 20261201120000_hold_request_slots_until_reply.sql)
 * and is claimed one request at a time.
 */
import type postgres from "postgres";
import { type Clock, systemClock } from "../clock.ts";
import { DeadlineExceededError } from "../deadline.ts";

/** One claimed request. */
export interface RequestSlot {
  /**
   * Call once the attempt is over (replied, failed or never sent): the budget counts the
   * request until one window from then, since Lightspeed counted it at some moment before.
   * Never rejects; a slot that is not released is held for the longest a request may be in
   * flight, then one window.
   */
  release(): Promise<void>;
}

/** Gate every Lightspeed request passes before it is sent. */
export interface RequestBudget {
  /**
   * Resolves when one request may be sent, with the slot to release once its attempt is over
   * (budgets that need no word back, like test fakes, resolve with nothing); throws
   * DeadlineExceededError if that is too late.
   */
  acquire(options: { deadline: number; signal?: AbortSignal }): Promise<RequestSlot | void>;
  /** Holds back every caller of this store until epochMs (after a 429). */
  pauseUntil(epochMs: number): Promise<void>;
  /** The most requests it lets through per window, where it has such a figure. */
  readonly allowedRequests?: number;
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
  /**
   * Longest a claimed request may take to reach Lightspeed; a slot never released (its process
   * was killed) is counted for this long plus a window. Default 60 s: twice the client's
   * 30 s attempt timeout, which bounds every attempt that is not killed.
   */
  maxInFlightMs?: number;
  clock?: Clock;
}

/** A {@link RequestBudget} shared through Postgres by every process of a store. */
export interface PostgresRequestBudget extends RequestBudget {
  acquire(options: { deadline: number; signal?: AbortSignal }): Promise<RequestSlot>;
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

/** See {@link PostgresRequestBudgetOptions.maxInFlightMs}. */
export const DEFAULT_MAX_IN_FLIGHT_MS = 60_000;

/**
 * A budget kept in Postgres: at most floor(requestLimit × safety) requests in any sliding
 * window of windowMs, timed by the database clock so every process agrees. A request counts
 * from its claim until one window after its slot is released, so however long it takes to
 * reach Lightspeed, it has left Lightspeed's window before its slot is given again.
 */
export function createPostgresRequestBudget(
  sql: postgres.Sql,
  options: PostgresRequestBudgetOptions,
): PostgresRequestBudget {
  const { storeKey, windowMs } = options;
  const maxInFlightMs = options.maxInFlightMs ?? DEFAULT_MAX_IN_FLIGHT_MS;
  const clock = options.clock ?? systemClock;
  const allowedRequests = checkedAllowance(options, maxInFlightMs);
  const releaseLater = batchedReleases(sql, storeKey);

  function slot(slotId: number): RequestSlot {
    let released: Promise<void> | null = null;
    return { release: () => (released ??= releaseLater(slotId)) };
  }

  async function acquire({ deadline, signal }: { deadline: number; signal?: AbortSignal }) {
    while (true) {
      signal?.throwIfAborted();
      const [row] = await sql<{ wait_ms: number; slot_id: number | null }[]>`
        select c.wait_ms, c.slot_id
        from sync_private.claim_request_slot(
          ${storeKey}, ${allowedRequests}, ${windowMs}, ${maxInFlightMs}
        ) as c
      `;
      if (row.slot_id !== null) return slot(row.slot_id);
      const waitMs = row.wait_ms;
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

/** Checks the options and returns floor(requestLimit × safety), the requests per window. */
function checkedAllowance(options: PostgresRequestBudgetOptions, maxInFlightMs: number): number {
  const { storeKey, requestLimit, windowMs, safety } = options;
  if (storeKey === "") throw new RangeError("Store key must not be empty");
  if (!(safety > 0 && safety <= 1)) {
    throw new RangeError(`Safety must be above 0 and at most 1, got "${safety}"`);
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1 || windowMs > 2 ** 31 - 1) {
    throw new RangeError(`Window must be a positive whole number of ms, got "${windowMs}"`);
  }
  if (!Number.isSafeInteger(maxInFlightMs) || maxInFlightMs < 0 || maxInFlightMs > 2 ** 31 - 1) {
    throw new RangeError(`Longest in flight must be a whole number of ms, got "${maxInFlightMs}"`);
  }
  const allowedRequests = Math.floor(requestLimit * safety);
  if (!Number.isSafeInteger(allowedRequests) || allowedRequests < 1) {
    throw new RangeError(
      `Request limit "${requestLimit}" with safety "${safety}" leaves no request to send`,
    );
  }
  return allowedRequests;
}

/** Releases slots in one statement per turn of the event loop, whatever their number. */
function batchedReleases(sql: postgres.Sql, storeKey: string): (slotId: number) => Promise<void> {
  let pendingReleases: number[] = [];
  let flushed: Promise<void> | null = null;
  return (slotId) => {
    pendingReleases.push(slotId);
    flushed ??= new Promise<void>((resolve) => queueMicrotask(resolve)).then(async () => {
      const slotIds = pendingReleases;
      pendingReleases = [];
      flushed = null;
      try {
        await sql`select sync_private.release_request_slots(${storeKey}, ${slotIds}::bigint[])`;
      } catch {
        // Safe to drop: an unreleased slot is held for maxInFlightMs plus a window, longer than
        // a released one. A database that fails here fails the next claim loudly.
      }
    });
    return flushed;
  };
}
