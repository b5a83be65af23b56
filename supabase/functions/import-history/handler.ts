// POST /functions/v1/import-history {} | {"entities": [...], "restart": true}: starts or
// continues the historical import and answers 202 at once (docs/interface.md § import-history);
// the work runs in the background and hands itself to fresh invocations until every entity
// reaches the end. One chain of invocations at a time: a start while one runs joins it, and a
// hand-over from a chain that was superseded is refused and stops that chain.
import { z } from "zod";
import type { Caller } from "../_shared/auth/caller.ts";
import { background } from "../_shared/background.ts";
import { entityNames, isEntityName } from "../_shared/entities/registry.ts";
import type { FunctionContext } from "../_shared/function_context.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import {
  errorReply,
  jsonReply,
  readJsonObject,
  unauthorizedReply,
} from "../_shared/http/json_reply.ts";
import { acceptHandOver, supersededMessage } from "../_shared/import/import_chain.ts";
import { startImport } from "../_shared/import/start_import.ts";
import { runImportSlice } from "../_shared/import/import_slice.ts";

const body = z.object({
  entities: z.array(z.string()).min(1).optional(),
  restart: z.boolean().optional(),
  // Set by the chain's own hand-over: its token, its length, and how many slices in a row
  // made no progress.
  chain: z.uuid().optional(),
  generation: z.number().int().min(0).optional(),
  idle: z.number().int().min(0).max(1_000).optional(),
});

type ImportBody = z.infer<typeof body>;

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
  const refused = refusedForCaller(parsed.data, caller);
  if (refused) return refused;
  if (parsed.data.chain) return await continueChain(context, parsed.data.chain, parsed.data);
  return await startFromRequest(context, parsed.data);
};

/** What only the operator may ask for: a restart, and (the chain's own) a hand-over. */
function refusedForCaller(data: ImportBody, caller: Caller): Response | null {
  if (caller.kind === "operator") return null;
  // The scheduler's signature continues an import; starting over takes the operator secret.
  if (data.restart && caller.kind === "scheduler") {
    return errorReply(403, "restart needs the x-sync-secret header; a scheduler call may not");
  }
  if (data.restart) {
    return errorReply(
      403,
      "Only the operator may restart the import: restart sets every cursor back to 0 and " +
        "stops the running import. Send it with x-sync-secret (deno task invoke), or leave " +
        "restart out to start or continue the import",
    );
  }
  if (data.chain) return errorReply(403, "Only the import's own hand-over names a chain");
  return null;
}

async function startFromRequest(context: FunctionContext, data: ImportBody): Promise<Response> {
  const requested = data.entities ?? await enabledEntities(context.sql);
  return jsonReply(202, await startImport(context, requested, { restart: data.restart ?? false }));
}

/** A hand-over: the next slice of a running chain, or the end of one another has replaced. */
async function continueChain(
  context: FunctionContext,
  chain: string,
  data: ImportBody,
): Promise<Response> {
  const accepted = await acceptHandOver(context.sql, chain);
  if (!accepted) {
    console.warn(supersededMessage(chain));
    return errorReply(409, `${supersededMessage(chain)}; nothing was started`, { stopped: true });
  }
  const entities = data.entities ?? [];
  background(runImportSlice(context, chain, entities, {
    generation: data.generation ?? 0,
    idle: data.idle ?? 0,
  }));
  return jsonReply(202, { import_id: accepted.importId, entities });
}

async function enabledEntities(sql: import("../_shared/database.ts").Sql): Promise<string[]> {
  const rows = await sql<{ entity: string }[]>`
    select entity from public.sync_settings where enabled order by entity`;
  return rows.map((r) => r.entity).filter(isEntityName);
}
