import type { SeededRandom } from "../random.ts";
import { DAY_MS, HISTORY_DAYS, isoUtc, STORE_EPOCH_MS } from "../time.ts";

const HISTORY_START_MS = STORE_EPOCH_MS - HISTORY_DAYS * DAY_MS;

/** A moment up to 400 days before the sales history starts, when the store was set up. */
export function setupTimeMs(random: SeededRandom): number {
  return HISTORY_START_MS - random.int(1, 400) * DAY_MS + random.int(0, DAY_MS);
}

/** A moment within the sales history. */
export function historyTimeMs(random: SeededRandom): number {
  return STORE_EPOCH_MS - random.int(0, HISTORY_DAYS * DAY_MS);
}

/** The fields every catalog record starts with; the feed sets `version` when it appends it. */
export function recordBase(createdMs: number, updatedMs = createdMs) {
  return {
    created_at: isoUtc(createdMs),
    updated_at: isoUtc(Math.max(createdMs, updatedMs)),
    deleted_at: null as string | null,
    version: 0,
  };
}
