/**
 * The request budget every Lightspeed call draws from. Lightspeed allows
 * 300 × registers + 50 requests per 5 minutes per store and app, shared by every process
 * that syncs the store, so the budget lives in Postgres (see migration
 * 20261125090500_create_request_budget.sql) and is claimed one request at a time.
 */

/** Gate every Lightspeed request passes before it is sent. */
export interface RequestBudget {
  /** Resolves when one request may be sent; throws DeadlineExceededError if that is too late. */
  acquire(options: { deadline: number; signal?: AbortSignal }): Promise<void>;
  /** Holds back every caller of this store until epochMs (after a 429). */
  pauseUntil(epochMs: number): Promise<void>;
}

/** Lightspeed's documented request allowance per 5 minutes for a store's register count. */
export function registerCountToLimit(registerCount: number): number {
  if (!Number.isSafeInteger(registerCount) || registerCount < 1) {
    throw new RangeError(`Register count must be a positive integer, got "${registerCount}"`);
  }
  return 300 * registerCount + 50;
}
