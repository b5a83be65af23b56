// Counting the store's registers through the API: they set Lightspeed's rate limit (see
// registerCountToLimit in request_budget.ts), and a fresh install has none synced yet.
import type { LightspeedClient } from "./client.ts";
import { pageByVersion } from "./pager.ts";

/** Counts the store's registers that are not deleted. */
export async function readRegisterCount(
  client: Pick<LightspeedClient, "getJson">,
  deadline: number,
): Promise<number> {
  let count = 0;
  const pages = pageByVersion(client, {
    path: "/registers",
    pageSize: 200,
    deleted: false,
    deadline,
  });
  for await (const page of pages) {
    // Never scan-only here: every page is parsed.
    for (const register of page.records ?? []) {
      const deletedAt = (register as { deleted_at?: unknown } | null)?.deleted_at;
      if (deletedAt === undefined || deletedAt === null) count++;
    }
  }
  return count;
}
