// When pg_net requests become visible to other sessions: the real worker (and the local
// stand-in) commits a batch's responses together, when its slowest request is done. A tracker
// queues quick requests itself, follows the scheduler's calls, and looks every 50 ms for the
// responses not seen yet; responses first seen in the same look were committed by one batch.
import type { Sql } from "../../supabase/functions/_shared/database.ts";

export interface Tracked {
  id: string;
  kind: "quick" | "scheduled";
  /** performance.now() just before the request was queued (quick requests only). */
  queuedAt?: number;
  /** performance.now() when its response was first seen, and the look that saw it. */
  seenAt?: number;
  seenLook?: number;
}

export interface VisibilityTracker {
  /** Queues a GET with net.http_get and tracks it. */
  queueGet(url: string): Promise<void>;
  /** Tracks the sync-entity calls the dispatcher made since `since` (call it repeatedly). */
  watchScheduledCalls(since: Date): Promise<void>;
  all(): Tracked[];
  stop(): Promise<void>;
}

export function trackVisibility(sql: Sql, lookEveryMs = 50): VisibilityTracker {
  const tracked = new Map<string, Tracked>();
  let looking = true;
  let looks = 0;
  const look = async () => {
    const unseen = [...tracked.values()].filter((t) => t.seenAt === undefined).map((t) => t.id);
    if (unseen.length === 0) return;
    const rows = await sql<{ id: string }[]>`
      select id::text from net._http_response where id = any(${unseen}::bigint[])`;
    const at = performance.now();
    looks++;
    for (const row of rows) Object.assign(tracked.get(row.id)!, { seenAt: at, seenLook: looks });
  };
  const looping = (async () => {
    while (looking) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, lookEveryMs));
    }
  })();
  let stopping: Promise<void> | null = null;
  return {
    async queueGet(url) {
      const queuedAt = performance.now();
      const [{ id }] = await sql<{ id: string }[]>`
        select net.http_get(url := ${url}, timeout_milliseconds := 5000)::text as id`;
      tracked.set(id, { id, kind: "quick", queuedAt });
    },
    async watchScheduledCalls(since) {
      const rows = await sql<{ id: string }[]>`
        select request_id::text as id from sync_private.scheduled_calls
        where function_name = 'sync-entity' and requested_at >= ${since}
          and request_id is not null`;
      for (const { id } of rows) {
        if (!tracked.has(id)) tracked.set(id, { id, kind: "scheduled" });
      }
    },
    all: () => [...tracked.values()],
    stop() {
      looking = false;
      stopping ??= looping.then(look);
      return stopping;
    },
  };
}
