// POST /functions/v1/repair: the operator's repairs (README "Repair", docs/interface.md §
// repair), each logged in repair_log with who asked.
//   {"action": "reread", "entity": "products"}          the entity again from version 0
//   {"action": "record", "entity": "sales", "id": "…"}   one record (and its children)
//   {"action": "sales_range", "from": "2026-11-02", "to": "2026-11-08"}   local dates
//   {"action": "rejects", "entity": "sales"}            retry the open rejects
//   {"continue": 12}                                    the next share of repair 12
// A re-read restarts the entity's import (it continues by itself, nothing is deleted); the
// others land what fits in this invocation and answer "more": true when work is left.
import { z } from "zod";
import { entityNames, isEntityName } from "../_shared/entities/registry.ts";
import type { FunctionContext } from "../_shared/function_context.ts";
import type { FunctionHandler } from "../_shared/function_entry.ts";
import { errorReply, jsonReply, readJsonObject } from "../_shared/http/json_reply.ts";
import { startImport } from "../_shared/import/start_import.ts";
import {
  findRepair,
  logRepair,
  type RepairActor,
  type RepairEntry,
  updateRepair,
} from "../_shared/repair/repair_log.ts";
import { EntityBusyError } from "../_shared/repair/repair_run.ts";
import { runRepairStep } from "../_shared/repair/repair_step.ts";
import { RepairRequestError, utcRangeOf } from "../_shared/repair/sales_range.ts";
import { invocationDeadline } from "../_shared/run_deadline.ts";
import { repairActor } from "./repair_actor.ts";

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(
  (d) =>
    !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
    new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
  "not a date",
);
const entity = z.string().max(100);

const body = z.union([
  z.strictObject({ action: z.literal("reread"), entity }),
  z.strictObject({ action: z.literal("record"), entity, id: z.string().min(1).max(100) }),
  z.strictObject({
    action: z.literal("sales_range"),
    from: localDate,
    to: localDate,
    time_zone: z.string().min(1).max(100).optional(),
  }),
  z.strictObject({ action: z.literal("rejects"), entity }),
  z.strictObject({ continue: z.number().int().positive() }),
]);

type RepairBody = z.infer<typeof body>;

// A date range longer than this is more than a repair: re-read the entity instead.
const MAX_RANGE_DAYS = 92;

const usage = 'Expected a JSON body like {"action": "record", "entity": "sales", "id": "…"}, ' +
  '{"action": "sales_range", "from": "2026-11-02", "to": "2026-11-08"}, {"action": "reread", ' +
  '"entity": "products"}, {"action": "rejects", "entity": "sales"} or {"continue": <repair id>}';

export const handleRepair: FunctionHandler = async (req, context, caller) => {
  if (req.method !== "POST") return errorReply(405, "Use POST");
  const actor = await repairActor(context.sql, caller);
  if (actor instanceof Response) return actor;
  const parsed = body.safeParse(await readJsonObject(req));
  if (!parsed.success) return errorReply(400, usage, { valid_entities: entityNames });
  const request = parsed.data;
  if ("continue" in request) return await continueRepair(context, request.continue);
  const name = request.action === "sales_range" ? "sales" : request.entity;
  if (!isEntityName(name)) {
    return errorReply(400, `Unknown entity "${name.slice(0, 100)}"`, {
      valid_entities: entityNames,
    });
  }
  try {
    if (request.action === "reread") return await reread(context, name, actor);
    const entry = await logRepair(context.sql, {
      action: request.action,
      entity: name,
      params: paramsOf(request),
      actor,
      progress: await initialProgress(context, request),
    });
    return await step(context, entry);
  } catch (error) {
    if (error instanceof RepairRequestError) return errorReply(400, error.message);
    throw error;
  }
};

function paramsOf(request: Exclude<RepairBody, { continue: number }>): Record<string, unknown> {
  const { action: _action, ...params } = request;
  return params;
}

async function initialProgress(
  context: FunctionContext,
  request: Exclude<RepairBody, { continue: number }>,
): Promise<Record<string, unknown>> {
  if (request.action !== "sales_range") return {};
  if (request.from > request.to) throw new RepairRequestError("from is after to");
  const days = (Date.parse(request.to) - Date.parse(request.from)) / 86_400_000 + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new RepairRequestError(
      `A range of ${days} days is longer than ${MAX_RANGE_DAYS}: re-read sales instead`,
    );
  }
  const range = await utcRangeOf(context.sql, request.from, request.to, request.time_zone);
  return { ...range, offset: 0, pages: 0, records: 0, rejected: 0, done: false };
}

/** Restarts the entity's import: it runs from version 0 on by itself, with progress. */
async function reread(
  context: FunctionContext,
  name: string,
  actor: RepairActor,
): Promise<Response> {
  const entry = await logRepair(context.sql, { action: "reread", entity: name, params: {}, actor });
  const started = await startImport(context, [name], { restart: true });
  const progress = { import_id: started.import_id };
  await updateRepair(context.sql, entry.id, { status: "completed", progress });
  return jsonReply(202, {
    repair_id: entry.id,
    action: "reread",
    entity: name,
    status: "completed",
    more: false,
    progress,
    note: "The re-read runs as this entity's import; health and the dashboard show its progress",
  });
}

async function continueRepair(context: FunctionContext, id: number): Promise<Response> {
  const entry = await findRepair(context.sql, id);
  if (!entry) return errorReply(404, `No repair ${id}`);
  if (entry.action === "reread" || entry.status === "completed" || entry.status === "failed") {
    return errorReply(409, `Repair ${id} has nothing left to do (${entry.status})`);
  }
  return await step(context, entry);
}

async function step(context: FunctionContext, entry: RepairEntry): Promise<Response> {
  const deadline = invocationDeadline(context);
  const environment = await context.syncEnvironment({ deadline });
  try {
    const result = await runRepairStep(environment, entry, {
      deadline,
      signal: context.worker.stopping,
    });
    return jsonReply(200, result);
  } catch (error) {
    if (!(error instanceof EntityBusyError)) throw error;
    await updateRepair(context.sql, entry.id, {
      status: "partial",
      progress: entry.progress,
      error: error.message,
    });
    return errorReply(409, error.message, { repair_id: entry.id, more: true });
  }
}
