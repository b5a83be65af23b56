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
 * Isolate CPU per million bytes of a page landed unparsed, with room to spare: `deno task bench`
 * measured the workers' threads at 25 ms per 1,000 sales (4.4 MB of pages) in a large import,
 * cold workers included, and 15 ms warm (2026-12-04).
 */
export const UNPARSED_PAGE_MS_PER_MILLION_BYTES = 9;

/** What a page landed unparsed counts against the budget. */
export function unparsedPageCostMs(bytes: number): number {
  return (bytes / 1_000_000) * UNPARSED_PAGE_MS_PER_MILLION_BYTES;
}
