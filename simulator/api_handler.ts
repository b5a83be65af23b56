import { delay, errorResponse, jsonResponse } from "./http_json.ts";
import type { QueuedFault } from "./options.ts";
import type { ExtraCollection } from "./extra_collections.ts";
import { MAX_PAGE_SIZE, parsePaging, parsePagingParams } from "./paging_params.ts";
import { retryAfterHttpDate } from "./rate_limiter.ts";
import { serveSearch } from "./sales_search.ts";
import { type EntityName, isEntityName } from "./records.ts";
import type { SimulatorState } from "./simulator_state.ts";
import { countRequest, countStatus } from "./stats.ts";
import { handleWebhooksApi, isWebhooksPath } from "./webhooks_api.ts";

export const API_PREFIX = "/api/2.0";

/** Returned instead of a Response when the connection must be dropped without a reply. */
export const CONNECTION_RESET = Symbol("connection reset");
export type HandlerResult = Response | typeof CONNECTION_RESET;

/** Serves `/api/2.0/...`: auth, rate limit, injected faults, then the data. */
export async function handleApiRequest(
  state: SimulatorState,
  request: Request,
  url: URL,
): Promise<HandlerResult> {
  const resourcePath = url.pathname.startsWith(`${API_PREFIX}/`)
    ? url.pathname.slice(API_PREFIX.length).replace(/\/+$/, "")
    : url.pathname;
  const statsKey = routeTemplate(resourcePath);
  const stats = state.stats;
  countRequest(stats, statsKey);
  const finish = (result: HandlerResult, injected = false): HandlerResult => {
    if (result === CONNECTION_RESET) {
      countStatus(stats, statsKey, "reset");
      return result;
    }
    countStatus(stats, statsKey, result.status);
    if (result.status === 429) stats.rateLimited++;
    if (!injected && result.status >= 200 && result.status < 300) stats.served++;
    return result;
  };

  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  const { settings } = state;
  const isForbiddenToken = settings.forbiddenToken !== null && token === settings.forbiddenToken;
  if (token === undefined) {
    return finish(errorResponse(401, "Missing bearer token in the Authorization header"));
  }
  if (token !== settings.token && !isForbiddenToken && !state.acceptsToken(token)) {
    return finish(errorResponse(401, "The access token is invalid or has expired"));
  }

  const decision = state.limiter.tryAcquire();
  if (!decision.allowed) {
    stats.violations++;
    return finish(
      errorResponse(429, "Rate limiting enforced", {
        "retry-after": retryAfterHttpDate(decision.retryAtMs),
      }),
    );
  }

  const fault = state.faults.take(resourcePath, state.now());
  if (fault) {
    stats.injectedFaults++;
    const injected = await applyFault(
      state,
      fault,
      () => route(state, request, url, resourcePath, isForbiddenToken),
    );
    return finish(injected, true);
  }
  return finish(await route(state, request, url, resourcePath, isForbiddenToken));
}

async function applyFault(
  state: SimulatorState,
  fault: QueuedFault,
  serve: () => Promise<Response>,
): Promise<HandlerResult> {
  switch (fault.type) {
    case "reset":
      return CONNECTION_RESET;
    case "slow":
      await delay(fault.ms);
      return await serve();
    case "truncate": {
      const response = await serve();
      const text = await response.text();
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      return new Response(text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
        status: response.status,
        headers,
      });
    }
    case "redirect":
      return jsonResponse(fault.status, { error: "Moved", message: "See Location" }, {
        location: fault.location,
      });
    case "oversized":
      return oversizedPage(fault.bytes, fault.announce);
    case "status": {
      if (fault.status !== 429) {
        const fallback = fault.status >= 500
          ? "Injected server failure"
          : "Injected request failure";
        return errorResponse(fault.status, fault.message ?? fallback);
      }
      const style = fault.retryAfter ?? state.settings.retryAfter;
      const seconds = fault.retryAfterSeconds ?? 1;
      const headers: Record<string, string> = {};
      if (style === "date") {
        headers["retry-after"] = retryAfterHttpDate(state.now() + seconds * 1000);
      }
      if (style === "seconds") headers["retry-after"] = String(seconds);
      if (style === "garbage") headers["retry-after"] = "soon, maybe";
      return errorResponse(429, "Rate limiting enforced", headers);
    }
  }
}

async function route(
  state: SimulatorState,
  request: Request,
  url: URL,
  resourcePath: string,
  lacksScope: boolean,
): Promise<Response> {
  if (isWebhooksPath(url.pathname)) {
    if (lacksScope) return errorResponse(403, "The token does not have the webhooks scope");
    return await handleWebhooksApi(state, request, url.pathname.replace(/\/+$/, ""));
  }
  if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
    return errorResponse(404, `No API route for ${url.pathname}`);
  }
  if (request.method !== "GET") {
    return errorResponse(405, `Method ${request.method} is not supported on ${resourcePath}`);
  }
  if (lacksScope) {
    return errorResponse(403, "The token does not have the scope this endpoint requires");
  }
  const [entity, id, sub, ...rest] = resourcePath.split("/").slice(1);
  const collection = state.store.collections.get(entity);
  if (collection && sub === undefined) {
    return await serveCollection(state, entity, collection, id, url);
  }
  if (entity === "search" && id === undefined) return await serveSearch(state, url);
  if (!isEntityName(entity) || rest.length > 0) {
    return errorResponse(404, `No API route for ${resourcePath}`);
  }
  const store = state.store;
  if (id === undefined) {
    const parsed = parsePagingParams(entity, url.searchParams);
    if (!parsed.ok) return errorResponse(400, parsed.message);
    const page = store.page(entity, parsed.params);
    await applyLatency(state, page.data.length);
    return jsonResponse(200, pageBody(state, page.data, page.versions));
  }
  if (sub === "inventory" && entity === "products") {
    const product = store.findById("products", id) as { id: string } | undefined;
    if (!product) return errorResponse(404, `No product with id ${id}`);
    const rows = store.catalog.inventory.filter((row) => row.product_id === product.id);
    await applyLatency(state, rows.length);
    return jsonResponse(200, { data: rows });
  }
  if (sub === "products" && entity === "consignments") {
    return await consignmentProductsPage(state, id, url.searchParams);
  }
  if (sub !== undefined) return errorResponse(404, `No API route for ${resourcePath}`);
  const record = store.findById(entity as EntityName, id);
  if (record === undefined) return errorResponse(404, `No ${entity} record with id ${id}`);
  await applyLatency(state, 1);
  return jsonResponse(200, { data: record });
}

/** A page of an extra collection, or one of its records by id. */
async function serveCollection(
  state: SimulatorState,
  name: string,
  collection: ExtraCollection,
  id: string | undefined,
  url: URL,
): Promise<Response> {
  if (id !== undefined) {
    const record = collection.byId.get(id);
    if (record === undefined) return errorResponse(404, `No ${name} record with id ${id}`);
    await applyLatency(state, 1);
    return jsonResponse(200, { data: record });
  }
  const parsed = parsePaging(url.searchParams, MAX_PAGE_SIZE, collection.supportsDeleted);
  if (!parsed.ok) return errorResponse(400, parsed.message);
  const page = state.store.collections.page(name, parsed.params);
  await applyLatency(state, page.data.length);
  return jsonResponse(200, pageBody(state, page.data, page.versions));
}

/** `/consignments/{id}/products`: the consignment's products, paged by their own versions. */
async function consignmentProductsPage(
  state: SimulatorState,
  id: string,
  search: URLSearchParams,
): Promise<Response> {
  const lines = state.store.consignmentProducts(id);
  if (!lines) return errorResponse(404, `No consignment with id ${id}`);
  const parsed = parsePagingParams("consignments", search);
  if (!parsed.ok) return errorResponse(400, parsed.message);
  const { after, before, pageSize } = parsed.params;
  const page = lines
    .filter((line) => line.version > after && (before === undefined || line.version < before))
    .slice(0, pageSize);
  await applyLatency(state, page.length);
  return jsonResponse(200, pageBody(state, page, page.map((line) => line.version)));
}

const PADDING_CHUNK = new TextEncoder().encode("x".repeat(64 * 1024));

/**
 * `{"data":[],"version":null,"padding":"xxx…"}`, exactly `bytes` long, made as it is read: a
 * reader that stops early stops the making too.
 */
function oversizedPage(bytes: number, announce: boolean): Response {
  const encoder = new TextEncoder();
  const head = encoder.encode('{"data":[],"version":null,"padding":"');
  const tail = encoder.encode('"}');
  let padding = bytes - head.length - tail.length;
  let sentHead = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(head);
      } else if (padding > 0) {
        const chunk = PADDING_CHUNK.subarray(0, Math.min(padding, PADDING_CHUNK.length));
        padding -= chunk.length;
        controller.enqueue(chunk);
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (announce) headers["content-length"] = String(bytes);
  return new Response(body, { status: 200, headers });
}

function pageBody(state: SimulatorState, data: unknown[], versions: number[]): unknown {
  if (data.length > 0) {
    return { data, version: { min: versions[0], max: versions[versions.length - 1] } };
  }
  switch (state.settings.emptyPageVersion) {
    case "missing":
      return { data };
    case "zeros":
      return { data, version: { min: 0, max: 0 } };
    case "nulls":
      return { data, version: { min: null, max: null } };
    default:
      return { data, version: null };
  }
}

function applyLatency(state: SimulatorState, records: number): Promise<void> {
  const { baseMs, perRecordMs } = state.settings.latency;
  return delay(baseMs + perRecordMs * records);
}

/** Groups `/outlets/<id>` style paths so per-path stats stay few. */
function routeTemplate(resourcePath: string): string {
  const parts = resourcePath.split("/");
  if (parts.length >= 3 && isEntityName(parts[1])) parts[2] = "{id}";
  return parts.join("/") || "/";
}
