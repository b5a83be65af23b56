// POST /functions/v1/sync-entity {"entity": "<name>"}: one bounded, checkpointed incremental
// pass for one entity (docs/interface.md § sync-entity). With Prefer: respond-async it answers
// 202 once the run is open and lands the pages in the background.
import { z } from "zod";
import { entityNames, getEntity, isEntityName } from "../_shared/entities/registry.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import {
  errorReply,
  jsonReply,
  readJsonObject,
  unauthorizedReply,
} from "../_shared/http/json_reply.ts";
import { prefersRespondAsync } from "../_shared/http/prefer.ts";
import { invocationDeadline } from "../_shared/run_deadline.ts";
import { CpuBudget } from "../_shared/sync/cpu_budget.ts";
import { runEntitySync, type RunRequest } from "../_shared/sync/run_entity_sync.ts";
import { readCallId } from "./call_id.ts";
import { acceptAndSyncInBackground } from "./respond_async.ts";
import { runTriggerFor } from "./run_trigger.ts";

const body = z.object({
  entity: z.string(),
  // Accepted for the scheduler's sake; the trigger is the caller's (run_trigger.ts).
  trigger: z.enum(["schedule", "manual", "dashboard", "import"]).optional(),
  /** Re-read the overlap window (settings in sync_settings) in this run. */
  overlap: z.boolean().optional(),
});

export const handleSyncEntity: FunctionHandler = async (req, context, caller) => {
  if (req.method !== "POST") return errorReply(405, "Use POST");
  if (caller.kind === "anonymous") return unauthorizedReply();
  const parsed = body.safeParse(await readJsonObject(req));
  if (!parsed.success) {
    return errorReply(400, 'Expected a JSON body like {"entity": "sales", "overlap": false}', {
      valid_entities: entityNames,
    });
  }
  const { entity } = parsed.data;
  if (!isEntityName(entity)) {
    return errorReply(400, `Unknown entity "${entity.slice(0, 100)}"`, {
      valid_entities: entityNames,
    });
  }
  const call = readCallId(req.headers, caller);
  if ("error" in call) return errorReply(400, call.error);
  const trigger = runTriggerFor(caller, parsed.data.trigger);
  // The deadline counts from the request, within what the worker has left: asking Lightspeed
  // for the register count (first call of an isolate, nothing synced yet) is part of it.
  const deadline = invocationDeadline(context);
  const request: RunRequest = {
    entity: getEntity(entity),
    trigger,
    deadline,
    cpuBudget: new CpuBudget(context.config.cpuBudgetMs),
    overlap: parsed.data.overlap,
    signal: context.worker.stopping,
    callId: call.callId,
  };
  if (prefersRespondAsync(req.headers)) return await acceptAndSyncInBackground(context, request);
  const environment = await context.syncEnvironment({ deadline });
  const result = await runEntitySync(environment, request);
  return jsonReply(200, result);
};
