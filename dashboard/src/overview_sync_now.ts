/// <reference lib="dom" />
// "Sync now" per entity: runs sync-entity with the user's JWT, remembers which entities are busy
// and each one's last reply, and asks the overview to redraw before and after.
import { errorText, type ViewContext } from "./context.ts";
import { describeFunctionReply } from "./format.ts";

export interface SyncResult {
  ok: boolean;
  text: string;
}

export interface SyncNow {
  isBusy(entity: string): boolean;
  resultOf(entity: string): SyncResult | undefined;
  syncNow(entity: string): Promise<void>;
}

export function syncNowState(ctx: ViewContext, redraw: () => Promise<void>): SyncNow {
  const results = new Map<string, SyncResult>();
  const busy = new Set<string>();

  async function syncNow(entity: string) {
    busy.add(entity);
    results.set(entity, { ok: true, text: "Syncing…" });
    await redraw();
    try {
      const reply = await ctx.api.invoke("sync-entity", { entity });
      results.set(entity, describeFunctionReply("sync-entity", reply.status, reply.body));
    } catch (error) {
      results.set(entity, { ok: false, text: `Could not start the sync: ${errorText(error)}` });
    } finally {
      busy.delete(entity);
      await redraw();
    }
  }

  return {
    isBusy: (entity) => busy.has(entity),
    resultOf: (entity) => results.get(entity),
    syncNow,
  };
}
