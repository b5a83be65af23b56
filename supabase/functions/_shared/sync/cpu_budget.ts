/**
 * CPU the sync's own work on pages may use in one invocation, shared by the runs it makes; a
 * run stops with a checkpoint once this is spent. Edge Functions get 2 s of CPU per request.
 * Counted: the parsing and validation the function times, and for a page landed unparsed (its
 * records checked and parsed by PostgreSQL) an estimate from its size, since what it costs the
 * isolate then is reading the reply and sending it on (README "Limits").
 */
export class CpuBudget {
  spentMs = 0;
  constructor(readonly limitMs: number) {}
  get exhausted(): boolean {
    return this.spentMs >= this.limitMs;
  }
}

/**
 * Isolate CPU per million bytes of a page landed unparsed: `deno task bench` measured
 * 39 ms of the workers' threads per 1,000 sales, 4.4 MB of pages (2026-12-03).
 */
export const UNPARSED_PAGE_MS_PER_MILLION_BYTES = 9;

/** What a page landed unparsed counts against the budget. */
export function unparsedPageCostMs(bytes: number): number {
  return (bytes / 1_000_000) * UNPARSED_PAGE_MS_PER_MILLION_BYTES;
}
