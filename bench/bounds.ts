// The physical limit of an import: Lightspeed's rate limit, and how a run compares with it.
import { settings } from "../supabase/functions/_shared/settings.ts";

export interface RateRule {
  /** Requests allowed in any sliding window: 300 x registers + 50 for Lightspeed. */
  limit: number;
  windowMs: number;
}

export function lightspeedRule(registers: number, timeScale: number): RateRule {
  return { limit: 300 * registers + 50, windowMs: 300_000 / timeScale };
}

/** LIGHTSPEED_RATE_SAFETY when unset, which is how the benchmark runs the functions. */
export const defaultRateSafety: number = settings.LIGHTSPEED_RATE_SAFETY.shape.default;

/**
 * The rule the engine holds itself to: floor(limit × safety) requests per window, computed as
 * its request budget computes it (supabase/functions/_shared/lightspeed/request_budget.ts).
 */
export function allowedRule(rule: RateRule, safety: number): RateRule {
  return { limit: Math.floor(rule.limit * safety), windowMs: rule.windowMs };
}

/**
 * The exact least time a sliding window allows from the first request to the last: the first
 * `limit` requests go at once, each later one a full window after the one `limit` places before
 * it, so request k (from 0) goes at floor(k / limit) windows.
 */
export function slidingWindowBoundMs(requests: number, rule: RateRule): number {
  if (requests <= 0) return 0;
  return Math.floor((requests - 1) / rule.limit) * rule.windowMs;
}

/** Requests a version-paged import needs at least: every page plus the empty page that ends it. */
export function requestsNeeded(pagesPerEntity: readonly number[]): number {
  return pagesPerEntity.reduce((sum, pages) => sum + pages + 1, 0);
}

/**
 * The same count from the source, not from the engine's own log: each entity's listed records
 * in full pages of its page size, plus the empty page.
 */
export function requestsNeededForRecords(
  entities: readonly { records: number; pageSize: number }[],
): number {
  return requestsNeeded(entities.map((e) => Math.ceil(e.records / e.pageSize)));
}

/**
 * Where an import's wall time went: before its first request, from the first to the last (what
 * the exact bound is about), after the last; and the requests in each window from the first.
 */
export function timeline(
  arrivals: readonly number[],
  started: number,
  ms: number,
  windowMs: number,
) {
  const first = arrivals[0] ?? started;
  const last = arrivals.at(-1) ?? started;
  const requestsPerWindow: number[] = [];
  for (const at of arrivals) {
    const window = Math.floor((at - first) / windowMs);
    while (requestsPerWindow.length <= window) requestsPerWindow.push(0);
    requestsPerWindow[window]++;
  }
  return {
    beforeFirstRequestMs: first - started,
    firstToLastRequestMs: last - first,
    afterLastRequestMs: started + ms - last,
    requestsPerWindow,
  };
}
