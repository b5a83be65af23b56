export interface PathStats {
  requests: number;
  statuses: Record<string, number>;
}

export interface SimulatorStats {
  /** Every request to the API, whatever became of it. */
  requests: number;
  /** Requests answered by the API itself with a 2xx (injected faults excluded). */
  served: number;
  /** All 429 replies, real and injected. */
  rateLimited: number;
  /** Requests sent while the real limit was exhausted (injected 429s excluded). */
  violations: number;
  injectedFaults: number;
  byPath: Record<string, PathStats>;
}

export function emptyStats(): SimulatorStats {
  return { requests: 0, served: 0, rateLimited: 0, violations: 0, injectedFaults: 0, byPath: {} };
}

export function countRequest(stats: SimulatorStats, path: string): void {
  stats.requests++;
  stats.byPath[path] ??= { requests: 0, statuses: {} };
  stats.byPath[path].requests++;
}

export function countStatus(stats: SimulatorStats, path: string, status: number | "reset"): void {
  const entry = stats.byPath[path] ??= { requests: 0, statuses: {} };
  entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
}
