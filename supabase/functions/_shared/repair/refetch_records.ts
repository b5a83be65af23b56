// Re-fetches records one by one by id (`GET /sales/{id}`, `/products/{id}`, ...) and lands
// each through the repair run: a sale comes with its line items and payments embedded, and
// the rewrite replaces them as a page would. Used for one record and for retrying rejects.
import type { LightspeedClient } from "../lightspeed/client.ts";
import { LightspeedRequestError } from "../lightspeed/errors.ts";
import { CLOSING_RESERVE_MS } from "../sync/page_loop.ts";
import type { RepairRun } from "./repair_run.ts";

export interface RefetchOutcome {
  /** Records landed as valid rows. */
  landed: number;
  /** Records fetched but filed (again) as rejects. */
  rejected: number;
  /** Ids Lightspeed no longer knows (404) or refuses to look up (another 4xx). */
  notFound: string[];
  /** Ids not reached before the deadline. */
  left: string[];
}

export async function refetchRecords(
  run: RepairRun,
  client: LightspeedClient,
  ids: readonly string[],
  options: { deadline: number; signal?: AbortSignal },
): Promise<RefetchOutcome> {
  const outcome: RefetchOutcome = { landed: 0, rejected: 0, notFound: [], left: [] };
  for (const [index, id] of ids.entries()) {
    if (options.deadline - Date.now() <= CLOSING_RESERVE_MS || options.signal?.aborted) {
      outcome.left = ids.slice(index);
      break;
    }
    const record = await fetchRecord(client, `${run.entity.path}/${encodeURIComponent(id)}`, {
      deadline: options.deadline - CLOSING_RESERVE_MS,
      signal: options.signal,
    });
    if (record === null) {
      outcome.notFound.push(id);
      continue;
    }
    const counts = await run.land([record]);
    outcome.rejected += counts.rejected;
    outcome.landed += counts.received - counts.rejected;
  }
  return outcome;
}

/** The record a single-record GET answers with (`{"data": {...}}`), or null for a 4xx. */
async function fetchRecord(
  client: LightspeedClient,
  path: string,
  options: { deadline: number; signal?: AbortSignal },
): Promise<unknown> {
  try {
    const reply = await client.getJson(path, {}, options);
    const data = (reply.body as { data?: unknown } | null)?.data;
    // Anything but one object is a record the validator files as a reject, with its reason.
    return data === undefined ? reply.body : data;
  } catch (error) {
    // A 404, or a 400 for an id that is no id at all (a reject's may be anything).
    if (error instanceof LightspeedRequestError) return null;
    throw error;
  }
}
