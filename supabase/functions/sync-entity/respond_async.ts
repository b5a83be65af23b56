// Prefer: respond-async (docs/interface.md § sync-entity): take the lease and open the run, which
// is database work only, answer 202 with the run's id, and land the pages in the background.
// A call whose entity is held by another run is answered as without the preference.
import { background } from "../_shared/background.ts";
import type { FunctionContext } from "../_shared/function_context.ts";
import { jsonReply } from "../_shared/http/json_reply.ts";
import { describeError } from "../_shared/redact.ts";
import {
  closeOpenedRunAsFailed,
  continueEntityRun,
  type OpenedRun,
  openEntityRun,
  type RunRequest,
} from "../_shared/sync/run_entity_sync.ts";

export async function acceptAndSyncInBackground(
  context: FunctionContext,
  request: RunRequest,
): Promise<Response> {
  const run = await openEntityRun({ sql: context.sql }, request);
  if ("skipped" in run) return jsonReply(200, run.skipped);
  background(continueInBackground(context, request, run));
  return jsonReply(
    202,
    { entity: request.entity.name, status: "accepted", run_id: run.runId },
    { "preference-applied": "respond-async" },
  );
}

async function continueInBackground(
  context: FunctionContext,
  request: RunRequest,
  run: OpenedRun,
): Promise<void> {
  let environment;
  try {
    environment = await context.syncEnvironment({ deadline: request.deadline });
  } catch (error) {
    // Nobody waits for a reply any more: the run's own row has to say what went wrong.
    const message = describeError(error, context.secrets);
    await closeOpenedRunAsFailed({ sql: context.sql }, request, run, message);
    return;
  }
  await continueEntityRun(environment, request, run);
}
