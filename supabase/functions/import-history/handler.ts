// POST /functions/v1/import-history {} | {"entities": [...], "restart": true}: starts or
// continues the historical import and answers 202 at once (docs/interface.md § import-history);
// the work runs in the background and hands itself to fresh invocations until every entity
// reaches the end.
import { z } from "zod";
import { background } from "../_shared/background.ts";
import { entityNames, isEntityName } from "../_shared/entities/registry.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import {
  errorReply,
  jsonReply,
  readJsonObject,
  unauthorizedReply,
} from "../_shared/http/json_reply.ts";
import { startOrContinueImport } from "../_shared/import/import_state.ts";
import { runImportSlice } from "../_shared/import/import_slice.ts";

const body = z.object({
  entities: z.array(z.string()).min(1).optional(),
  restart: z.boolean().optional(),
  generation: z.number().int().min(0).optional(),
  // Set by the previous slice of a chain: how many slices in a row made no progress.
  idle: z.number().int().min(0).max(1_000).optional(),
});

export const handleImportHistory: FunctionHandler = async (req, context, caller) => {
  if (req.method !== "POST") return errorReply(405, "Use POST");
  if (caller.kind === "anonymous") return unauthorizedReply();
  const parsed = body.safeParse(await readJsonObject(req));
  if (!parsed.success) {
    return errorReply(
      400,
      'Expected a JSON body like {} or {"entities": ["sales"], "restart": true}',
      {
        valid_entities: entityNames,
      },
    );
  }
  const unknown = (parsed.data.entities ?? []).filter((e) => !isEntityName(e));
  if (unknown.length > 0) {
    return errorReply(
      400,
      `Unknown entities: ${unknown.map((e) => `"${e.slice(0, 100)}"`).join(", ")}`,
      {
        valid_entities: entityNames,
      },
    );
  }
  const requested = parsed.data.entities ?? await enabledEntities(context.sql);
  const plan = await startOrContinueImport(context.sql, requested, {
    restart: parsed.data.restart ?? false,
  });
  background(runImportSlice(context, plan.importId, plan.running, {
    generation: parsed.data.generation ?? 0,
    idle: parsed.data.idle ?? 0,
  }));
  return jsonReply(202, {
    import_id: plan.importId,
    entities: plan.running,
    ...(plan.completed.length > 0 ? { already_completed: plan.completed } : {}),
  });
};

async function enabledEntities(sql: import("../_shared/database.ts").Sql): Promise<string[]> {
  const rows = await sql<{ entity: string }[]>`
    select entity from public.sync_settings where enabled order by entity`;
  return rows.map((r) => r.entity).filter(isEntityName);
}
