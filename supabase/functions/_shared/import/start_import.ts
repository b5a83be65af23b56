// Starting (or restarting) the historical import of some entities and driving it with a new
// chain when none runs: import-history's start, and the repair function's re-read of one
// entity from the beginning (a restart of that entity's import; nothing is deleted).
import { background } from "../background.ts";
import type { FunctionContext } from "../function_context.ts";
import { type ImportPlan, startOrContinueImport } from "./import_state.ts";
import { runImportSlice } from "./import_slice.ts";

/** Starts or restarts the import of `entities` and returns the reply import-history gives. */
export async function startImport(
  context: FunctionContext,
  entities: readonly string[],
  options: { restart: boolean },
) {
  const plan = await startOrContinueImport(context.sql, entities, options);
  if (plan.chain.kind === "new") {
    if (plan.chain.silentSince) {
      console.warn(
        `Import chain ${plan.chain.chain.token} takes over from a chain silent since ` +
          `${plan.chain.silentSince.toISOString()}`,
      );
    }
    background(runImportSlice(context, plan.chain.chain.token, plan.running, { generation: 0 }));
  }
  return startReply(plan);
}

function startReply(plan: ImportPlan) {
  return {
    import_id: plan.importId,
    entities: plan.running,
    ...(plan.completed.length > 0 ? { already_completed: plan.completed } : {}),
    // A second start while a chain runs starts no other: it joins that one.
    ...(plan.chain.kind === "joined"
      ? { joined: true, running_since: plan.chain.chain.startedAt.toISOString() }
      : {}),
  };
}
