import type { z } from "zod";
import { errorResponse, jsonResponse } from "./http_json.ts";
import { handleCollectionsControl } from "./extra_collections_control.ts";
import { applyMutations } from "./mutations.ts";
import {
  describeIssues,
  faultsRequestSchema,
  mutationSchema,
  type QueuedFault,
  type RecordFault,
  storeSettingsSchema,
} from "./options.ts";
import { type InjectedRecord, injectHostile, injectMalformed } from "./record_injection.ts";
import { isEntityName } from "./records.ts";
import type { SimulatorState } from "./simulator_state.ts";
import { emptyStats } from "./stats.ts";

export const CONTROL_PREFIX = "/__control";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * Serves `/__control/...`: reset, mutate, faults, injected, stats, dump, summary and extra
 * collections. No auth.
 */
export async function handleControlRequest(
  state: SimulatorState,
  request: Request,
  url: URL,
  remoteAddress: string,
): Promise<Response> {
  if (!LOOPBACK.has(remoteAddress)) {
    return errorResponse(403, "The control API only answers loopback clients");
  }
  const route = `${request.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  const collections = await handleCollectionsControl(
    state,
    request.method,
    url.pathname.slice(CONTROL_PREFIX.length),
    request,
  );
  if (collections) return collections;
  switch (route) {
    case "POST /reset": {
      const body = await readBody(request, storeSettingsSchema);
      if (body instanceof Response) return body;
      try {
        state.reset(body);
      } catch (error) {
        return errorResponse(400, error instanceof Error ? error.message : String(error));
      }
      return jsonResponse(200, describe(state));
    }
    case "POST /mutate": {
      const body = await readBody(request, mutationSchema);
      if (body instanceof Response) return body;
      return jsonResponse(200, applyMutations(state.store, body));
    }
    case "POST /faults": {
      const body = await readBody(request, faultsRequestSchema);
      if (body instanceof Response) return body;
      const injected = applyFaults(state, body.faults);
      return jsonResponse(200, { queued: state.faults.list(), injected });
    }
    case "GET /injected":
      return jsonResponse(200, { injected: state.store.injected });
    case "GET /faults":
      return jsonResponse(200, { queued: state.faults.list() });
    case "DELETE /faults":
      state.faults.clear();
      return jsonResponse(200, { queued: [] });
    case "GET /stats":
      return jsonResponse(200, state.stats);
    case "POST /stats/reset":
      state.stats = emptyStats();
      return jsonResponse(200, state.stats);
    case "POST /rate-limit/reset":
      state.limiter.clear();
      return jsonResponse(200, state.rateLimitConfig());
    case "GET /webhooks":
      return jsonResponse(200, {
        webhooks: state.webhooks.list(),
        stats: state.webhookSender.stats,
      });
    case "POST /webhooks/settle":
      // Waits (bounded by the caller's own timeout) until no delivery is pending.
      await state.webhookSender.idle();
      return jsonResponse(200, { stats: state.webhookSender.stats });
    case "GET /summary":
      return jsonResponse(200, describe(state));
    case "GET /dump": {
      const entity = url.searchParams.get("entity") ?? "";
      if (!isEntityName(entity)) {
        return errorResponse(400, `Unknown entity ${JSON.stringify(entity)}`);
      }
      // `with=products`: each consignment with its products under "products", for comparisons.
      const withProducts = entity === "consignments" && url.searchParams.get("with") === "products";
      return new Response(streamDump(state, entity, withProducts), {
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    }
    default:
      return errorResponse(404, `No control route for ${route}`);
  }
}

/** Queues request faults and applies record faults at once, returning what was added. */
export function applyFaults(
  state: SimulatorState,
  faults: z.output<typeof faultsRequestSchema>["faults"],
): InjectedRecord[] {
  const injected: InjectedRecord[] = [];
  for (const fault of faults) {
    if (fault.type === "malformed" || fault.type === "hostile") {
      injected.push(...injectRecords(state, fault));
    } else {
      state.faults.add(fault, outageEnd(state, fault));
    }
  }
  return injected;
}

/** When a timed outage ends, in real ms: its simulated seconds shrink with the time scale. */
function outageEnd(state: SimulatorState, fault: QueuedFault): number | undefined {
  if (fault.type !== "status" || fault.forSeconds === undefined) return undefined;
  return state.now() + fault.forSeconds * 1000 / state.settings.timeScale;
}

function injectRecords(state: SimulatorState, fault: RecordFault): InjectedRecord[] {
  return fault.type === "malformed"
    ? injectMalformed(state.store, fault.entity, fault.count)
    : injectHostile(state.store, fault.entity, fault.count);
}

export function describe(state: SimulatorState) {
  const { token: _token, forbiddenToken: _forbidden, ...settings } = state.settings;
  return { ...state.store.summary(), rateLimit: state.rateLimitConfig(), settings };
}

async function readBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.output<T> | Response> {
  const text = await request.text();
  let json: unknown = {};
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      return errorResponse(400, "The request body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : errorResponse(400, describeIssues(parsed.error));
}

/** Streams `{"entity": …, "data": [...]}` so a large store's dump never sits in one string. */
function streamDump(
  state: SimulatorState,
  entity: Parameters<typeof state.store.iterate>[0],
  withProducts = false,
) {
  const records = withProducts
    ? state.store.iterateConsignmentsWithProducts()
    : state.store.iterate(entity);
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`{"entity":${JSON.stringify(entity)},"data":[`));
    },
    pull(controller) {
      const parts: string[] = [];
      for (let i = 0; i < 500; i++) {
        const next = records.next();
        if (next.done) {
          parts.push("]}");
          controller.enqueue(encoder.encode(parts.join("")));
          controller.close();
          return;
        }
        parts.push((first ? "" : ",") + JSON.stringify(next.value));
        first = false;
      }
      controller.enqueue(encoder.encode(parts.join("")));
    },
  });
}
