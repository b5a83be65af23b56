// The physical limit of an import: Lightspeed's rate limit, and how a run compares with it.

export interface RateRule {
  /** Requests allowed per window: 300 x registers + 50. */
  limit: number;
  windowMs: number;
}

export function lightspeedRule(registers: number, timeScale: number): RateRule {
  return { limit: 300 * registers + 50, windowMs: 300_000 / timeScale };
}

/** requests ÷ allowed request rate: the lower bound, in ms. */
export function rateBoundMs(requests: number, rule: RateRule): number {
  return (requests * rule.windowMs) / rule.limit;
}

/**
 * The exact least time a sliding window allows: the first `limit` requests go at once, each
 * later one a full window after the one `limit` places before it.
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
