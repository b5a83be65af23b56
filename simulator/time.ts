/** The generated store's "now": fixed so a seed always yields the same data. */
export const STORE_EPOCH_MS = Date.UTC(2025, 5, 30, 12, 0, 0);
export const HISTORY_DAYS = 730;
export const DAY_MS = 86_400_000;

/** Lightspeed timestamps are UTC with whole seconds, e.g. `2025-03-01T10:15:00Z`. */
export function isoUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function isoUtcOrNull(ms: number | null): string | null {
  return ms === null ? null : isoUtc(ms);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
